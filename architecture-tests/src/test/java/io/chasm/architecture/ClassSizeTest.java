package io.chasm.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * One job per class, measured the only way ArchUnit cannot: no source file in main code over 400
 * lines, none in {@code examples} over 250 apart from the demo's script, TCK verification classes
 * (one test per rule) aside. A plain walk over each module's {@code src/main/java}.
 */
class ClassSizeTest {
  static final int LIMIT = 400;
  static final int EXAMPLES_LIMIT = 250;

  /** Every module with main code: a new module must be added here (see {@link #everyModuleIsMeasured}). */
  static final Set<String> MODULES = Set.of("chasm-api", "chasm-hash-tree", "chasm-stats-model", "chasm-wire",
      "chasm-testkit", "chasm-collector", "tck", "examples", "benchmarks", "architecture-tests");

  static Path root() {
    // Surefire runs each module's tests in the module's directory.
    Path root = Path.of("").toAbsolutePath().getParent();
    assertThat(root.resolve("pom.xml")).as("the reactor root above " + Path.of("").toAbsolutePath()).exists();
    return root;
  }

  static void assertNoLongClasses(String module, ToIntFunction<Path> limit) throws IOException {
    Path src = root().resolve(module).resolve("src/main/java");
    if (!Files.isDirectory(src)) {
      return;
    }
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
        int lines;
        try (Stream<String> l = Files.lines(f)) {
          lines = (int) l.count();
        }
        int max = limit.applyAsInt(f);
        if (lines > max) {
          offenders.add(root().relativize(f) + ": " + lines + " lines (limit " + max + ")");
        }
      }
    }
    assertThat(offenders).as("main classes over the size limit in " + module).isEmpty();
  }

  static void assertNoLongClasses(String module) throws IOException {
    assertNoLongClasses(module, f -> LIMIT);
  }

  @Test
  void everyModuleIsMeasured() throws IOException {
    Set<String> withMain = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(root())) {
      dirs.filter(d -> Files.isDirectory(d.resolve("src/main/java"))).forEach(d -> withMain.add(d.getFileName().toString()));
    }
    assertThat(MODULES).containsAll(withMain);
  }

  @Test
  void h_chasmApi_noClassOver400Lines() throws IOException {
    assertNoLongClasses("chasm-api");
  }

  @Test
  void h_chasmHashTree_noClassOver400Lines() throws IOException {
    assertNoLongClasses("chasm-hash-tree");
  }

  @Test
  void h_chasmStatsModel_noClassOver400Lines() throws IOException {
    assertNoLongClasses("chasm-stats-model");
  }

  @Test
  void h_chasmWire_noClassOver400Lines() throws IOException {
    assertNoLongClasses("chasm-wire");
  }

  @Test
  void h_chasmTestkit_noClassOver400Lines() throws IOException {
    assertNoLongClasses("chasm-testkit");
  }

  @Test
  void h_chasmCollector_noClassOver400Lines() throws IOException {
    assertNoLongClasses("chasm-collector");
  }

  @Test
  void h_tck_noClassOver400Lines_verificationClassesAside() throws IOException {
    assertNoLongClasses("tck", f -> f.getFileName().toString().endsWith("Verification.java") ? Integer.MAX_VALUE : LIMIT);
  }

  @Test
  void h_benchmarks_noClassOver400Lines() throws IOException {
    assertNoLongClasses("benchmarks");
  }

  @Test
  void h_examples_noClassOver250Lines_demoAside() throws IOException {
    assertNoLongClasses("examples", f -> f.getFileName().toString().equals("DemoCommand.java") ? LIMIT : EXAMPLES_LIMIT);
  }
}
