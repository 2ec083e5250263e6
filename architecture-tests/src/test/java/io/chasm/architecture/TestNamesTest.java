package io.chasm.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every test class has a name that {@code ./mvnw verify} runs. Surefire only picks up the names
 * configured in the parent POM ({@code Test*}, {@code *Test}, {@code *Tests}, {@code *Properties})
 * and failsafe {@code *IT}; a jqwik class named otherwise compiles, passes in an IDE and never runs
 * in CI (six {@code *Properties} classes did exactly that until the POM named them). Classes named
 * {@code *Bench} are benchmarks that {@code bench/} scripts run on purpose, never in verify.
 */
class TestNamesTest {
  private static final Pattern ANNOTATION = Pattern.compile("(?m)^\\s*@(Test|Property|Example|ParameterizedTest|RepeatedTest|TestFactory)\\b");
  private static final Pattern RUN_NAME = Pattern.compile("Test\\w*|\\w*(Test|Tests|Properties|IT|Bench)");

  @Test
  void everyClassWithTests_isNamedSoMavenRunsIt() throws IOException {
    Path root = ClassSizeTest.root();
    List<String> unrun = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files
          .filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/test/java/") && !p.toString().contains("/target/"))
          .sorted()::iterator) {
        String text = Files.readString(f);
        if (!ANNOTATION.matcher(text).find() || text.contains("abstract class ")) {
          continue;
        }
        checked++;
        String name = f.getFileName().toString().replaceFirst("\\.java$", "");
        if (!RUN_NAME.matcher(name).matches()) {
          unrun.add(root.relativize(f).toString());
        }
      }
    }
    assertThat(checked).as("test classes found under " + root).isGreaterThan(100);
    assertThat(unrun).as("test classes that ./mvnw verify would never run: rename them (…Test, …Properties, …IT)").isEmpty();
  }
}
