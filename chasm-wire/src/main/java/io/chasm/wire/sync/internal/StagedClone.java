package io.chasm.wire.sync.internal;

import io.chasm.api.Hash;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.StagedFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Fills a staged file from the old version of its path, which the damage scan vouches for: every
 * run of new chunks that the old file holds one after another is copied by the kernel in one
 * call (sendfile/copy_file_range), without hashing and without passing through the heap. A big
 * file with a small change costs the copy of its unchanged ranges and the changed chunks only;
 * chunks whose boundaries moved (an insertion) are still found, at their old offsets.
 */
final class StagedClone {
  private StagedClone() {}

  /**
   * Copies the chunks of {@code staged} that {@code old} (the live file {@code file}, stamped
   * vouched as {@code stamp}) holds, and marks them present.
   *
   * @return the number of chunks copied
   * @throws IOException if the copy fails, or the file changed while it was copied (its chunks
   *     are then not to be trusted: the run fails, and the next one finds the file damaged and
   *     rehashes it, the partial staged file being re-verified on resume)
   */
  static int copyUnchanged(StagedFile staged, Path file, FileManifest old, VouchedFiles.Stamp stamp) throws IOException {
    Map<Hash, Long> oldOffset = new HashMap<>();
    Map<Long, Chunk> oldAt = new HashMap<>();
    for (Chunk c : old.chunks()) {
      oldOffset.putIfAbsent(c.id(), c.offset());
      oldAt.put(c.offset(), c);
    }
    FileManifest m = staged.manifest();
    int copied = 0;
    try (FileChannel src = FileChannel.open(file, StandardOpenOption.READ)) {
      int i = 0;
      while (i < m.chunkCount()) {
        Long at = staged.has(i) ? null : oldOffset.get(m.chunk(i).id());
        if (at == null) {
          i++;
          continue;
        }
        int first = i;
        long next = at + m.chunk(i).length();
        i++;
        while (i < m.chunkCount() && !staged.has(i) && sameAt(oldAt, m.chunk(i), next)) {
          next += m.chunk(i).length();
          i++;
        }
        staged.copyVouched(first, i - first, src, at);
        copied += i - first;
      }
    }
    if (!stamp.holds(file)) {
      throw new IOException(file + " changed while its unchanged chunks were copied; sync again (it is then rehashed)");
    }
    return copied;
  }

  /** True if the old file holds chunk {@code c} at {@code offset}, so the run goes on. */
  private static boolean sameAt(Map<Long, Chunk> oldAt, Chunk c, long offset) {
    Chunk o = oldAt.get(offset);
    return o != null && o.id().equals(c.id()) && o.length() == c.length();
  }
}
