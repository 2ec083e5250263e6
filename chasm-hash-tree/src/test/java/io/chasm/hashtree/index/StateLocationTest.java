package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateLocationTest {
  @TempDir Path dir;

  @Test
  void nameOf_isReadableAndUnique() throws Exception {
    Path real = dir.toRealPath();
    String a = StateLocation.nameOf(real.resolve("srv/mirror/debian"));
    assertThat(a).matches(".*srv-mirror-debian-[0-9a-f]{8}");
    assertThat(StateLocation.nameOf(real.resolve("srv/mirror-debian"))).isNotEqualTo(a);
    assertThat(StateLocation.nameOf(real.resolve("a b/ü"))).matches(".*a_b-_+-[0-9a-f]{8}");
    assertThat(StateLocation.nameOf(Path.of("/"))).matches("root-[0-9a-f]{8}");
  }

  @Test
  void nameOf_sameBeforeAndAfterTheTreeExists_andThroughSymlinks() throws Exception {
    Path tree = dir.resolve("not/yet");
    String before = StateLocation.nameOf(tree);
    Files.createDirectories(tree);
    assertThat(StateLocation.nameOf(tree)).isEqualTo(before);
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("not"));
    assertThat(StateLocation.nameOf(link.resolve("yet"))).isEqualTo(before);
  }

  @Test
  void of_defaultsOutsideTheTree_underTheStateHome() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("t"));
    Path state = StateLocation.of(tree);
    assertThat(state).isEqualTo(StateLocation.home().resolve(StateLocation.nameOf(tree)));
    assertThat(state.startsWith(tree)).isFalse();
    assertThat(StateLocation.legacyHint(tree, state)).isEmpty();
  }

  @Test
  void home_followsTheSystemProperty() {
    String old = System.getProperty(StateLocation.HOME_PROPERTY);
    try {
      System.setProperty(StateLocation.HOME_PROPERTY, dir.resolve("home").toString());
      assertThat(StateLocation.home()).isEqualTo(dir.resolve("home"));
    } finally {
      if (old == null) {
        System.clearProperty(StateLocation.HOME_PROPERTY);
      } else {
        System.setProperty(StateLocation.HOME_PROPERTY, old);
      }
    }
  }

  @Test
  void of_legacyDirectoryInside_isKept_withAHintToMoveIt() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("t/.chasm")).getParent();
    Path state = StateLocation.of(tree);
    assertThat(state).isEqualTo(tree.resolve(".chasm"));
    String move = "mv " + state + " " + StateLocation.defaultFor(tree);
    assertThat(StateLocation.legacyHint(tree, state)).hasValueSatisfying(h -> assertThat(h).contains("--state").contains(move));
  }

  @Test
  void resolve_explicitWins() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("t/.chasm")).getParent();
    assertThat(StateLocation.resolve(tree, dir.resolve("s"))).isEqualTo(dir.resolve("s"));
  }
}
