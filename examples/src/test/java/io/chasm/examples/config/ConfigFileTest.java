package io.chasm.examples.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ConfigFileTest {
  record Line(String key, String value, int blanksBefore, boolean comment, boolean splitValue) {}

  /** Whatever Properties reads from a file, ConfigFile reads too, each entry at the line where it starts. */
  @Property(tries = 300)
  void parse_agreesWithProperties_andKnowsEachEntrysLine(@ForAll("files") List<Line> lines) throws IOException {
    StringBuilder text = new StringBuilder();
    List<Integer> expectedLines = new ArrayList<>();
    int lineNo = 1;
    List<String> seen = new ArrayList<>();
    for (Line l : lines) {
      if (seen.contains(l.key())) {
        continue;
      }
      seen.add(l.key());
      for (int i = 0; i < l.blanksBefore(); i++) {
        text.append(i % 2 == 0 ? "\n" : "   \t\n");
        lineNo++;
      }
      if (l.comment()) {
        text.append("# ").append(l.key()).append(" = not this \\\n");
        lineNo++;
      }
      expectedLines.add(lineNo);
      String written = escaped(l.key(), l.value());
      if (l.splitValue() && written.length() > 4) {
        int cut = written.indexOf('=') + 2;
        // A backslash before the cut would be escaped by the continuation: cut after any run of them.
        while (cut < written.length() && written.charAt(cut - 1) == '\\') {
          cut++;
        }
        if (cut < written.length()) {
          written = written.substring(0, cut) + "\\\n      " + written.substring(cut);
          lineNo++;
        }
      }
      text.append(written).append('\n');
      lineNo++;
    }
    Properties p = new Properties();
    p.load(new StringReader(text.toString()));
    List<ConfigFile.Entry> entries = ConfigFile.parse(text.toString());
    assertThat(entries).extracting(ConfigFile.Entry::key).containsExactlyElementsOf(seen);
    for (int i = 0; i < entries.size(); i++) {
      ConfigFile.Entry e = entries.get(i);
      assertThat(e.value()).as(e.key()).isEqualTo(p.getProperty(e.key()));
      assertThat(e.line()).as(e.key() + " in\n" + text).isEqualTo(expectedLines.get(i));
    }
  }

  private static String escaped(String key, String value) throws IOException {
    Properties one = new Properties();
    one.setProperty(key, value);
    StringWriter w = new StringWriter();
    one.store(w, null);
    String[] out = w.toString().split("\n");
    return out[out.length - 1].replaceFirst("=", " = ");
  }

  @Provide
  Arbitrary<List<Line>> files() {
    Arbitrary<String> keys = Arbitraries.of(ConfigKeys.all().stream().map(ConfigKey::name).toList());
    Arbitrary<String> values = Arbitraries.strings().withCharRange(' ', '~').withChars('é', '\t', '\\', '#', '=', ':').ofMaxLength(40);
    Arbitrary<Line> line = Combinators.combine(keys, values, Arbitraries.integers().between(0, 3), Arbitraries.of(true, false),
        Arbitraries.of(true, false)).as(Line::new);
    return line.list().ofMaxSize(12);
  }
}
