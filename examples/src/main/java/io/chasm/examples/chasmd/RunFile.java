package io.chasm.examples.chasmd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * chasmd's run file: {@code key=value} lines (pid, bound URIs) written atomically once the daemon
 * is ready, so a script reading it never sees half a file, and removed when it stops.
 */
final class RunFile {
  private final Path file;

  private RunFile(Path file) {
    this.file = file;
  }

  static RunFile write(Path file, Map<String, String> status) throws IOException {
    StringBuilder sb = new StringBuilder();
    status.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new RunFile(abs);
  }

  /** Best effort: a stale run file names a pid that is gone. */
  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Nothing better to do while stopping.
    }
  }
}
