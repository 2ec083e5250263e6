package io.chasm.hashtree.metalink;

import io.chasm.api.ChasmException;
import io.chasm.api.PathNotFoundException;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.metalink.internal.DigestCache;
import io.chasm.hashtree.metalink.internal.FileDigests;
import io.chasm.hashtree.metalink.internal.SnapshotFiles;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Metalink description of files of a tree's latest published snapshot (what {@code chasm
 * metalink} writes): names and sizes from the signed tree, SHA-256 and piece hashes of the bytes
 * that tree names. Digests are kept by file id in the state directory, so a file whose content
 * did not change since an earlier run is not read again; a file read is checked chunk by chunk
 * against the snapshot's manifest, so a live file edited since the publish fails instead of being
 * described wrongly.
 */
public final class SnapshotMetalink {
  /** The default piece length: 1 MiB (a 4 GiB image lists 4096 piece hashes). */
  public static final int DEFAULT_PIECE_LENGTH = 1 << 20;
  /** File name of the digest cache in the state directory. */
  public static final String CACHE_FILE = "metalink-digests";

  /**
   * @param sequence the snapshot described
   * @param published when it was signed
   * @param hashed files read and hashed in this run (the rest came from the cache)
   */
  public record Result(long sequence, Instant published, List<MetalinkFile> files, int hashed) {}

  private SnapshotMetalink() {}

  /**
   * @param dir the published tree (origin or mirror)
   * @param stateDir its state directory, or null for {@link StateLocation#of}
   * @param paths files or directories of the tree ({@code ""} = all)
   * @param mirrors the mirrors every file gets a {@code <url>} on (may be empty)
   * @throws PathNotFoundException if a path is not in the snapshot
   * @throws VerificationException if a live file no longer holds the snapshot's bytes
   * @throws IOException if {@code dir} has no published snapshot or a file cannot be read
   */
  public static Result describe(Path dir, Path stateDir, List<String> paths, List<MirrorUrl> mirrors, int pieceLength)
      throws IOException, ChasmException {
    if (pieceLength < 1024) {
      throw new IllegalArgumentException("piece length must be at least 1024 bytes: " + pieceLength);
    }
    Path d = dir.toAbsolutePath().normalize();
    Path state = StateLocation.resolve(d, stateDir);
    SignedSnapshot head = SnapshotHistory.open(state.resolve("snapshots")).latest()
        .orElseThrow(() -> new IOException(dir + ": no published snapshot (run chasm publish or chasm sync first)"));
    Path live = MirrorState.liveRoot(d);
    DigestCache cache = DigestCache.load(state.resolve(CACHE_FILE));
    List<MetalinkFile> files = new ArrayList<>();
    int hashed = 0;
    try (PackObjectStore store = PackObjectStore.openReadOnly(state.resolve("objects.pack"))) {
      long seq = head.snapshot().sequence();
      Map<String, TreeEntry> selected = SnapshotFiles.select(store, head.snapshot().rootTree(), paths, seq);
      for (Map.Entry<String, TreeEntry> e : selected.entrySet()) {
        TreeEntry entry = e.getValue();
        FileDigests.Digests dg = cache.get(entry.id(), pieceLength);
        if (dg == null) {
          FileManifest m = store.manifest(entry.id());
          dg = FileDigests.compute(live.resolve(e.getKey()), e.getKey(), m, pieceLength);
          cache.put(entry.id(), pieceLength, dg);
          hashed++;
        }
        files.add(new MetalinkFile(e.getKey(), entry.size(), dg.sha256(), pieceLength, dg.pieces(), mirrors));
      }
    }
    try {
      cache.save();
    } catch (IOException e) {
      // A read-only state directory only costs the next run a re-read; the description is complete.
    }
    return new Result(head.snapshot().sequence(), head.snapshot().created(), files, hashed);
  }
}
