package io.chasm.wire.get.internal;

import io.chasm.api.UnsafePathException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A path inside a signed tree as a user types it ({@code pool/main/a.deb}), split into the names
 * a walk from the root looks up. Only names a tree can hold pass (SPEC §4.3), so {@code ..},
 * {@code .}, empty components, a leading {@code /} and NUL are refused before any source is asked.
 */
public final class TreePath {
  private static final int MAX_NAME_BYTES = 255;

  private TreePath() {}

  /** @throws UnsafePathException if {@code path} is not a relative path of safe names */
  public static List<String> parse(String path) throws UnsafePathException {
    if (path.isEmpty() || path.startsWith("/")) {
      throw new UnsafePathException("path '" + path.replace('\0', '?') + "' is empty or absolute: give it relative to the tree's root");
    }
    List<String> names = List.of(path.split("/", -1));
    for (String c : names) {
      if (c.isEmpty() || c.equals(".") || c.equals("..") || c.indexOf('\0') >= 0
          || c.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw new UnsafePathException("path '" + path.replace('\0', '?') + "' has an unsafe component '" + c.replace('\0', '?') + "'");
      }
    }
    return names;
  }
}
