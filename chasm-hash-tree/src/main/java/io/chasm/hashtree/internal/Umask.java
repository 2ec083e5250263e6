package io.chasm.hashtree.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's file-creation mask, read once from {@code /proc/self/status} (Linux 4.7 and later):
 * a file created with a mode gets exactly that mode only if the mask clears none of its bits, and
 * knowing that spares a chmod per created file. Where the mask cannot be read it counts as
 * unknown, and callers set modes explicitly as before.
 */
public final class Umask {
  /** -1 when unknown. */
  private static final int CURRENT = read(Path.of("/proc/self/status"));

  private Umask() {}

  /** The mask, or -1 if it could not be read. */
  public static int current() {
    return CURRENT;
  }

  /**
   * Whether a file created now with permission bits {@code mode} ends up with exactly {@code mode}:
   * the mask is known and clears none of its bits, and it has no set-id or sticky bit (which a
   * create through the JDK cannot pass).
   */
  public static boolean keeps(int mode) {
    return CURRENT >= 0 && (mode & ~0777) == 0 && (mode & CURRENT) == 0;
  }

  static int read(Path status) {
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("Umask:")) {
          return Integer.parseInt(line.substring(6).trim(), 8);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or too old a kernel: unknown
    }
    return -1;
  }
}
