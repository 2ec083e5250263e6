package io.chasm.hashtree.publish;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one publish changes in a tree, by relative path ({@code a/b/c}): directories to create,
 * staged files to move into place, symlinks to (re)create, paths to delete. {@link
 * TreePublisher} applies it in the safe order. Not thread-safe; build it on one thread.
 */
public final class PublishPlan {
  /**
   * One step. {@code replace} means an existing entry of another kind must go first. {@code mode}
   * is a file's permission bits (tck/SPEC.md §4.4), or -1 for 0755/0644 by {@code executable}.
   */
  public record Step(Kind kind, String path, Path staged, boolean executable, byte[] linkTarget, boolean replace,
      int mode) {}

  /** Kinds of steps. */
  public enum Kind {
    DIRECTORY,
    FILE,
    SYMLINK,
    /** A hard link to an existing file (flip mode: unchanged files of the previous tree). */
    HARDLINK,
    DELETE
  }

  private final List<Step> steps = new ArrayList<>();

  public PublishPlan directory(String path, boolean replace) {
    steps.add(new Step(Kind.DIRECTORY, path, null, false, null, replace, -1));
    return this;
  }

  public PublishPlan file(String path, Path staged, boolean executable, boolean replace) {
    steps.add(new Step(Kind.FILE, path, staged, executable, null, replace, -1));
    return this;
  }

  /** A file moved into place with exactly these permission bits (a version-2 tree's mode). */
  public PublishPlan file(String path, Path staged, int mode, boolean replace) {
    if ((mode & ~07777) != 0) {
      throw new IllegalArgumentException("mode " + Integer.toOctalString(mode));
    }
    steps.add(new Step(Kind.FILE, path, staged, (mode & 0100) != 0, null, replace, mode));
    return this;
  }

  public PublishPlan symlink(String path, byte[] target, boolean replace) {
    steps.add(new Step(Kind.SYMLINK, path, null, false, target.clone(), replace, -1));
    return this;
  }

  /** A hard link at {@code path} to the existing file {@code source} (absolute). */
  public PublishPlan hardlink(String path, Path source) {
    steps.add(new Step(Kind.HARDLINK, path, source, false, null, false, -1));
    return this;
  }

  public PublishPlan delete(String path) {
    steps.add(new Step(Kind.DELETE, path, null, false, null, false, -1));
    return this;
  }

  public List<Step> steps() {
    return Collections.unmodifiableList(steps);
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }
}
