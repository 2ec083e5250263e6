package io.chasm.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The packages this module's package phase built, in {@code target/}. */
final class Packages {
  private Packages() {}

  static Path deb() throws IOException {
    return one("chasm_", ".deb");
  }

  static Path tarball() throws IOException {
    return one("chasm-", ".tar.gz");
  }

  private static Path one(String prefix, String suffix) throws IOException {
    Path dir = Path.of(System.getProperty("chasm.packages", "target"));
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> found = files.filter(f -> {
        String n = f.getFileName().toString();
        return n.startsWith(prefix) && n.endsWith(suffix);
      }).toList();
      if (found.size() != 1) {
        throw new IllegalStateException("expected one " + prefix + "*" + suffix + " in " + dir + " (run ./mvnw package), found " + found);
      }
      return found.get(0);
    }
  }
}
