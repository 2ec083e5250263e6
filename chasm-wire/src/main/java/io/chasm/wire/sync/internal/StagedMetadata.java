package io.chasm.wire.sync.internal;

import io.chasm.hashtree.publish.StagedFile;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The final mtime and mode of each staged file, set by the thread that completes it (a chunk
 * writer, while the link still brings other files' chunks) rather than one file after another
 * after the last chunk. The entry is that of the first path staged with the content (its owner);
 * other paths with the same content get copies at publish, with their own metadata. Set before
 * the rename as before, so a crash leaves nothing half-described in the tree.
 */
final class StagedMetadata {
  /** Per staged file, the entry whose mtime and mode it is published with. */
  private final Map<StagedFile, TreeEntry> owners = new ConcurrentHashMap<>();
  private final Set<StagedFile> done = ConcurrentHashMap.newKeySet();
  private final FileTime unversionedMtime;
  private final FileTime accessTime;

  /**
   * @param unversionedMtime the mtime of files whose entry carries none (a version-1 tree)
   * @param accessTime the atime to give them (now): with both times given the JDK sets them
   *     without first reading the file's attributes to keep its atime (a stat per file)
   */
  StagedMetadata(FileTime unversionedMtime, FileTime accessTime) {
    this.unversionedMtime = unversionedMtime;
    this.accessTime = accessTime;
  }

  /** Records the entry a new staged file is published with (the first path staged with it). */
  void own(StagedFile f, TreeEntry entry) {
    owners.putIfAbsent(f, entry);
  }

  /**
   * Called by a chunk writer after each write: once the file is complete, finishes it and gives it
   * its owner's mtime and (unless created with it) mode, on whichever thread gets here first.
   */
  void ifComplete(StagedFile f) throws IOException {
    if (f.complete() && owners.containsKey(f)) {
      try {
        finish(f);
      } catch (io.chasm.api.HashMismatchException e) {
        throw new IllegalStateException("complete yet missing chunks: " + f.path(), e);
      }
    }
  }

  /**
   * Finishes {@code f} (a missing chunk is a {@link io.chasm.api.HashMismatchException}) and sets
   * its metadata, unless a writer did already.
   */
  void finish(StagedFile f) throws IOException, io.chasm.api.HashMismatchException {
    TreeEntry e = owners.get(f);
    if (e == null) {
      throw new IllegalStateException("staged file without an owner: " + f.path());
    }
    if (done.contains(f)) {
      return;
    }
    f.finish(false);
    if (done.add(f)) {
      apply(f.path(), e, f.hasFinalMode());
    }
  }

  /** Sets {@code e}'s mode (unless {@code modeSet}) and mtime on the staged file or copy at {@code p}. */
  void apply(Path p, TreeEntry e, boolean modeSet) throws IOException {
    if (!modeSet) {
      Files.setAttribute(p, "unix:mode", e.mode()); // with the sticky bit, which POSIX sets lack
    }
    FileTime t = e.hasMetadata() ? FileTime.from(Instant.ofEpochSecond(e.mtimeSeconds(), e.mtimeNanos())) : unversionedMtime;
    Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(t, accessTime, null);
  }
}
