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

  private MetadataPatterns(List<String> globs) {
    this.globs = List.copyOf(globs);
    List<PathMatcher> m = new ArrayList<>();
    for (String g : this.globs) {
      m.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
    }
    this.matchers = List.copyOf(m);
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
    Path p = Path.of(relativePath);
    for (PathMatcher m : matchers) {
      if (m.matches(p)) {
        return true;
      }
    }
    return false;
  }

  public List<String> globs() {
    return globs;
  }

  @Override
  public String toString() {
    return "MetadataPatterns" + globs;
  }
}
