package io.chasm.hashtree.publish;

import io.chasm.hashtree.merkle.FileManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where files are assembled before they are published: a directory on the same file system as
 * the tree (so publishing is a rename), one file per file id ({@code <hex>.part}). Partial files
 * survive a crash; {@link #stage} re-verifies them chunk by chunk, so an interrupted sync resumes
 * from verified bytes only.
 */
public final class StagingArea {
  private static final String SUFFIX = ".part";
  private final Path dir;

  private StagingArea(Path dir) {
    this.dir = dir;
  }

  /** Opens (creating if needed) the staging directory {@code dir}. */
  public static StagingArea open(Path dir) throws IOException {
    Files.createDirectories(dir);
    return new StagingArea(dir);
  }

  public Path directory() {
    return dir;
  }

  /**
   * The staged file for {@code manifest}: new, or resumed from a partial file whose chunks are
   * re-hashed (only those that still match count as present).
   */
  public StagedFile stage(FileManifest manifest) throws IOException {
    return stage(manifest, -1, false);
  }

  /**
   * {@link #stage(FileManifest)}, creating the file with permission bits {@code mode} (-1: the
   * default; {@link StagedFile#hasFinalMode} says whether the file kept them).
   *
   * @param fresh the caller found this area {@link #isEmpty empty} when its run began and stages
   *     each file id once: no partial file can exist, and the existence check per file (a failing
   *     stat each, tens of thousands in an initial sync) is skipped
   */
  public StagedFile stage(FileManifest manifest, int mode, boolean fresh) throws IOException {
    if ((mode & ~0777) != 0 && mode != -1) {
      mode = -1; // set-id and sticky bits are set by a chmod at publish, as before
    }
    Path p = dir.resolve(manifest.id().hash().hex() + SUFFIX);
    boolean existed = !fresh && p.toFile().exists(); // no exception per absent file, unlike Files.exists on Java 17
    BitSet present = existed ? StagedFile.verifyExisting(p, manifest) : new BitSet();
    StagedFile f = new StagedFile(p, manifest, present, existed, mode);
    if (manifest.chunkCount() == 0) {
      f.createEmpty();
    }
    return f;
  }

  /** True if nothing is staged here (no run was interrupted, or its files were cleaned). */
  public boolean isEmpty() throws IOException {
    try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      return !s.iterator().hasNext();
    }
  }

  /** True if a partial file for this file id exists (a previous run was interrupted). */
  public boolean hasPartial(FileManifest manifest) {
    return Files.exists(dir.resolve(manifest.id().hash().hex() + SUFFIX));
  }

  /** A fresh temporary path in the staging directory (for symlinks built before their rename). */
  public Path temporary(String prefix) throws IOException {
    return Files.createTempFile(dir, prefix, ".tmp");
  }

  /** Deletes staged files, except those named by {@code keep}. */
  public void clean(Set<Path> keep) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        if (!keep.contains(p)) {
          TreePublisher.deleteRecursively(p);
        }
      }
    }
  }
}
