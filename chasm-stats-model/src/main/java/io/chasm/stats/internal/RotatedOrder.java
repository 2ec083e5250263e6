package io.chasm.stats.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders a rotated set oldest first: {@code access.log.3.gz, access.log.2.gz, access.log.1,
 * access.log}. Names are compared by base name (without {@code .gz}/{@code .zst} and the numeric
 * rotation suffix), then by rotation number descending (none = newest), then by name (date
 * suffixes such as {@code -20241124} sort oldest first).
 */
public final class RotatedOrder {
  private RotatedOrder() {}

  public static List<Path> sort(List<Path> in) {
    List<Path> out = new ArrayList<>(in);
    out.sort(Comparator.comparing((Path p) -> base(p)[0])
        .thenComparing((Path p) -> -Long.parseLong(base(p)[1]))
        .thenComparing(Path::toString));
    return out;
  }

  // [base name, rotation number or -1]
  static String[] base(Path p) {
    String n = p.toAbsolutePath().normalize().toString();
    for (String ext : new String[] {".gz", ".zst", ".zstd"}) {
      if (n.endsWith(ext)) {
        n = n.substring(0, n.length() - ext.length());
        break;
      }
    }
    int dot = n.lastIndexOf('.');
    if (dot > 0 && dot < n.length() - 1 && n.substring(dot + 1).chars().allMatch(Character::isDigit)
        && n.length() - dot <= 6) {
      return new String[] {n.substring(0, dot), n.substring(dot + 1)};
    }
    return new String[] {n, "-1"};
  }
}
