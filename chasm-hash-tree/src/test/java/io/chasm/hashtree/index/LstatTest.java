package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LstatTest {
  @TempDir Path dir;

  @Test
  void directAndPortable_agreeOnEveryKind() throws Exception {
    // Surefire opens sun.nio.fs (see pom.xml), so both paths run here.
    assertThat(Lstat.direct()).isTrue();
    Path f = Files.writeString(dir.resolve("f"), "12345");
    Path l = Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
    for (Path p : new Path[] {f, l, dir}) {
      assertThat(Lstat.of(p)).isEqualTo(Lstat.portable(p));
    }
    assertThat(Lstat.of(f).type()).isEqualTo(Lstat.S_IFREG);
    assertThat(Lstat.of(f).size()).isEqualTo(5);
    assertThat(Lstat.of(l).type()).isEqualTo(Lstat.S_IFLNK);
    assertThat(Lstat.of(dir).type()).isEqualTo(Lstat.S_IFDIR);
  }
}
