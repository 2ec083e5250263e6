package io.chasm.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class UnitFileTest {
  @Property
  void readsTheServiceSectionsAssignmentsInOrder(@ForAll("values") List<String> values, @ForAll("values") List<String> noise) {
    StringBuilder text = new StringBuilder("# a comment\n[Unit]\nDescription=x\n");
    for (String n : noise) {
      text.append("ReadWritePaths=").append(n).append('\n');
    }
    text.append("\n[Service]\n; another comment\n");
    for (String v : values) {
      text.append("ReadWritePaths=").append(v).append("\n\n");
    }
    text.append("[Install]\n");
    for (String n : noise) {
      text.append("ReadWritePaths=").append(n).append('\n');
    }
    List<String> words = new ArrayList<>();
    values.forEach(v -> words.addAll(List.of(v.split(" "))));
    assertThat(UnitFile.parse(text.toString()).words("ReadWritePaths")).isEqualTo(words);
  }

  @Property
  void anEmptyAssignmentResetsTheList(@ForAll("values") List<String> before, @ForAll("values") List<String> after) {
    StringBuilder text = new StringBuilder("[Service]\n");
    before.forEach(v -> text.append("Environment=A=").append(v.replace(' ', '_')).append('\n'));
    text.append("Environment=\n");
    after.forEach(v -> text.append("Environment=B=").append(v.replace(' ', '_')).append('\n'));
    UnitFile unit = UnitFile.parse(text.toString());
    if (after.isEmpty()) {
      assertThat(unit.environment()).isEmpty();
    } else {
      assertThat(unit.environment()).isEqualTo(Map.of("B", after.get(after.size() - 1).replace(' ', '_')));
    }
  }

  @Test
  void execStartJoinsContinuationsAndDropsPrefixes() {
    UnitFile unit = UnitFile.parse("[Service]\nUser=chasm\nExecStart=-/usr/bin/chasmd --all \\\n  --config /etc/chasm/chasm.conf\n");
    assertThat(unit.execStart()).containsExactly("/usr/bin/chasmd", "--all", "--config", "/etc/chasm/chasm.conf");
    assertThat(unit.get("User", "root")).isEqualTo("chasm");
    assertThat(unit.get("Group", "chasm")).isEqualTo("chasm");
  }

  @Provide
  Arbitrary<List<String>> values() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').withChars('/', '-', '.').ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> value = word.list().ofMinSize(1).ofMaxSize(3).map(ws -> String.join(" ", ws));
    return value.list().ofMaxSize(5);
  }
}
