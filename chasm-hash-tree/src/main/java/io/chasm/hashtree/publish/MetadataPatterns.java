package io.chasm.hashtree.publish;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Which paths of a tree are metadata that refers to other files (package indexes, release
 * files): they are published after all content, so a client that reads them never finds a
 * reference to a file that is not there yet. Glob syntax of {@link
 * java.nio.file.FileSystem#getPathMatcher}, matched against the path relative to the tree root.
 * Immutable.
 */
public final class MetadataPatterns {
  /** Debian {@code dists/} indexes and RPM {@code repodata/}, at the root or nested. */
  public static final List<String> DEFAULT_GLOBS =
      List.of(
          "dists/**/{InRelease,Release,Release.gpg,Packages*,Sources*}",
          "**/dists/**/{InRelease,Release,Release.gpg,Packages*,Sources*}",
          "repodata/**",
          "**/repodata/**");

  private final List<String> globs;
  private final List<PathMatcher> matchers;
  /** Per glob, text every path it matches contains (a publish asks once per file: most paths fail here, without a regex). */
  private final List<List<String>> required;

  private MetadataPatterns(List<String> globs) {
    this.globs = List.copyOf(globs);
    List<PathMatcher> m = new ArrayList<>();
    List<List<String>> r = new ArrayList<>();
    for (String g : this.globs) {
      m.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
      r.add(literals(g));
    }
    this.matchers = List.copyOf(m);
    this.required = List.copyOf(r);
  }

  /**
   * The runs of plain characters of a glob outside its groups ({@code {..}}, {@code [..]}): each
   * must appear in any path it matches. None for a glob with an escape (kept simple: no shortcut).
   */
  static List<String> literals(String glob) {
    if (glob.indexOf('\\') >= 0) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    StringBuilder run = new StringBuilder();
    int depth = 0;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '{' || c == '[') {
        depth++;
      } else if ((c == '}' || c == ']') && depth > 0) {
        depth--;
      } else if (depth == 0 && c != '*' && c != '?') {
        run.append(c);
        continue;
      }
      if (run.length() > 0) {
        out.add(run.toString());
        run.setLength(0);
      }
    }
    if (run.length() > 0) {
      out.add(run.toString());
    }
    return List.copyOf(out);
  }

  /**
   * @throws IllegalArgumentException if a glob is malformed
   */
  public static MetadataPatterns of(List<String> globs) {
    return new MetadataPatterns(globs);
  }

  public static MetadataPatterns defaults() {
    return new MetadataPatterns(DEFAULT_GLOBS);
  }

  /** No metadata: every file is published in path order. */
  public static MetadataPatterns none() {
    return new MetadataPatterns(List.of());
  }

  /** True if {@code relativePath} ({@code a/b/c}, no leading slash) is metadata. */
  public boolean matches(String relativePath) {
    if (matchers.isEmpty()) {
      return false;
    }
    Path p = null;
    for (int i = 0; i < matchers.size(); i++) {
      if (!containsAll(relativePath, required.get(i))) {
        continue;
      }
      if (p == null) {
        p = Path.of(relativePath);
      }
      if (matchers.get(i).matches(p)) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsAll(String path, List<String> parts) {
    for (String s : parts) {
      if (!path.contains(s)) {
        return false;
      }
    }
    return true;
  }

  public List<String> globs() {
    return globs;
  }

  @Override
  public String toString() {
    return "MetadataPatterns" + globs;
  }
}
