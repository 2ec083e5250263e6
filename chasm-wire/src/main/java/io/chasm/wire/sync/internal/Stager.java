package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.HashMismatchException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.publish.StagedFile;
import io.chasm.hashtree.publish.StagingArea;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds files already in place (an interrupted earlier run published them) and stages the rest, one staged file per content. */
final class Stager {
  private final StagingArea staging;
  private final Path live;
  private final boolean flip;
  private final boolean afterInterruption;
  private final StagedMetadata meta;
  /** One staged file per content across every {@link #prepare} call of the run. */
  private final Map<ObjectId, StagedFile> byId = new HashMap<>();
  private final boolean liveEmpty;
  private final boolean freshStaging;

  /**
   * @param afterInterruption an interrupted publish may have put new versions in place; otherwise a
   *     path whose old version is known holds that version (or damage), never the new one, and is
   *     not read: a big file with a small change in its middle was read up to the change here, then
   *     again whole for its reusable chunks
   */
  Stager(StagingArea staging, Path live, boolean flip, boolean afterInterruption, StagedMetadata meta) throws IOException {
    this.staging = staging;
    this.live = live;
    this.flip = flip;
    this.afterInterruption = afterInterruption;
    this.meta = meta;
    // An empty tree or staging area holds nothing to find: no failing stat per file (two each in
    // an initial sync). Decided once, before this run stages anything.
    this.liveEmpty = isEmptyOrAbsent(live);
    this.freshStaging = staging.isEmpty();
  }

  /** Stages {@code jobs} (the whole plan, or one segment of it after another). */
  void prepare(List<FileJob> jobs) throws ChasmException, IOException {
    for (FileJob j : jobs) {
      if (j.hardlinkFrom != null) {
        continue;
      }
      if (!flip && !liveEmpty && !j.repair && (afterInterruption || !replacesKnownVersion(j)) && alreadyInPlace(live, j)) {
        j.inPlace = true;
        continue;
      }
      StagedFile s = byId.get(j.entry.id());
      if (s == null) {
        s = staging.stage(j.manifest, j.entry.mode(), freshStaging);
        byId.put(j.entry.id(), s);
        meta.own(s, j.entry);
      }
      j.staged = s;
    }
  }

  private static boolean isEmptyOrAbsent(Path dir) throws IOException {
    try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      return !s.iterator().hasNext();
    } catch (java.nio.file.NoSuchFileException e) {
      return true;
    }
  }

  private static boolean replacesKnownVersion(FileJob j) {
    return j.before != null && j.before.kind() == EntryKind.FILE && !j.before.id().equals(j.entry.id());
  }

  private static boolean alreadyInPlace(Path live, FileJob j) throws IOException, ChasmException {
    Path p = SafePaths.resolve(live, j.path);
    // java.io.File answers "absent" without an exception (NIO throws and catches one per call,
    // tens of thousands in an initial sync); a symlink to a file passes it and is refused below.
    if (!p.toFile().isFile() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) != j.manifest.size()) {
      return false;
    }
    if (!p.toRealPath().equals(live.toRealPath().resolve(j.path))) {
      return false; // reached through a symlinked directory (a non-empty first destination): not in place
    }
    try {
      for (Chunk c : j.manifest.chunks()) {
        StagedFile.readVerified(p, c.offset(), c.length(), c.id());
      }
    } catch (HashMismatchException e) {
      return false;
    }
    return true;
  }
}
