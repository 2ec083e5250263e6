package io.chasm.hashtree.tree;

import io.chasm.api.UnsafePathException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Path checks that keep every write inside a destination root: relative paths made of safe
 * components only, symlink targets that stay inside the root, and parents that are real
 * directories (a symlinked parent could redirect a write elsewhere).
 */
public final class SafePaths {
  private SafePaths() {}

  /**
   * Resolves {@code relative} ({@code a/b/c}) under {@code root}.
   *
   * @throws UnsafePathException if it is empty, absolute, or has an empty, {@code .}, {@code ..}
   *     or NUL-containing component
   */
  public static Path resolve(Path root, String relative) throws UnsafePathException {
    if (relative.isEmpty() || relative.startsWith("/")) {
      throw new UnsafePathException("path '" + printable(relative) + "' is empty or absolute");
    }
    for (String c : relative.split("/", -1)) {
      if (c.isEmpty() || c.equals(".") || c.equals("..") || c.indexOf('\0') >= 0) {
        throw new UnsafePathException("path '" + printable(relative) + "' has an unsafe component");
      }
    }
    return root.resolve(relative);
  }

  /**
   * Checks that a symlink at {@code linkPath} (relative to the root) with {@code target} stays
   * inside the root when resolved lexically.
   *
   * @throws UnsafePathException if the target is absolute, empty, or climbs above the root
   */
  public static void checkSymlinkTarget(String linkPath, byte[] target) throws UnsafePathException {
    String why = symlinkTargetProblem(linkPath, target);
    if (why != null) {
      throw new UnsafePathException(why);
    }
  }

  /** Whether {@link #checkSymlinkTarget} accepts the link (no exception built for a plain question). */
  public static boolean isSafeSymlinkTarget(String linkPath, byte[] target) {
    return symlinkTargetProblem(linkPath, target) == null;
  }

  /** The reason the link is unsafe, or null when it stays inside the root. */
  private static String symlinkTargetProblem(String linkPath, byte[] target) {
    String t = new String(target, StandardCharsets.UTF_8);
    if (t.isEmpty() || t.startsWith("/") || t.indexOf('\0') >= 0) {
      return "symlink '" + printable(linkPath) + "' has an absolute or empty target '" + printable(t) + "'";
    }
    int depth = linkPath.split("/").length - 1; // directories above the link, below the root
    for (String c : t.split("/")) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (depth == 0) {
          return "symlink '" + printable(linkPath) + "' points outside the root: '" + printable(t) + "'";
        }
        depth--;
      } else {
        depth++;
      }
    }
    return null;
  }

  /**
   * Creates the directories of {@code dir} below {@code root}, refusing to pass through a
   * symlink or a non-directory.
   *
   * @throws UnsafePathException if a component exists and is a symlink or not a directory
   */
  public static void createDirectories(Path root, Path dir) throws IOException, UnsafePathException {
    Path rel = root.relativize(dir);
    if (rel.toString().isEmpty()) {
      return;
    }
    if (rel.startsWith("..")) {
      throw new UnsafePathException("directory '" + printable(rel.toString()) + "' is outside the root");
    }
    Path p = root;
    for (Path c : rel) {
      p = p.resolve(c);
      if (Files.isSymbolicLink(p)) {
        throw new UnsafePathException("'" + printable(root.relativize(p).toString()) + "' is a symlink, not a directory");
      }
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(p);
      } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new UnsafePathException("'" + printable(root.relativize(p).toString()) + "' is not a directory");
      }
    }
  }

  /** A path for messages: control characters replaced, at most 200 characters. */
  public static String printable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && sb.length() < 200; i++) {
      char c = s.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    return sb.toString();
  }
}
