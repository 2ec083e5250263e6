package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.index.ChunkLocation;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.ManifestChunkLocator;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.publish.StagedFile;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lists the chunks the staged files still lack and fills in those the live tree already holds:
 * first from the old version of the same path, then (once a snapshot was published here) from any
 * file of the old tree. Also notes the prefixes worth offering for the rest.
 */
final class LocalReuse {
  /** A prefix offer costs about 40 bytes on the wire: shorter ones are not worth it. */
  private static final int MIN_PREFIX = 64;
  /**
   * Below this many bytes still missing, they are fetched rather than looked for in every manifest
   * of the old tree (a read of the whole tree's manifests: about a second for 47k files).
   */
  static final long FULL_LOCATOR_MIN_BYTES = 16L << 20;
  private final ObjectStore store;
  private final VouchedFiles vouched;

  /** @param vouched the live files whose chunks are copied without hashing (the damage scan's verdict) */
  LocalReuse(ObjectStore store, VouchedFiles vouched) {
    this.store = store;
    this.vouched = vouched;
  }

  /**
   * @param hasLocal whether a snapshot was published here (the old tree's manifests are then in the store)
   * @param reused counts the chunks copied from the live tree
   * @return what is left to fetch
   */
  ChunkNeeds reuse(List<FileJob> jobs, Path live, ObjectId oldRoot, boolean hasLocal, AtomicLong reused)
      throws ChasmException, IOException {
    return reuse(jobs, live, oldRoot, hasLocal, reused, new HashSet<>());
  }

  /**
   * {@link #reuse(List, Path, ObjectId, boolean, AtomicLong)} for one segment of a pipelined run.
   *
   * @param done staged files an earlier segment already listed (their chunks are on their way:
   *     a content shared by paths in two segments is fetched once); this segment's are added
   */
  ChunkNeeds reuse(List<FileJob> jobs, Path live, ObjectId oldRoot, boolean hasLocal, AtomicLong reused, Set<StagedFile> done)
      throws ChasmException, IOException {
    ChunkNeeds needs = new ChunkNeeds();
    Map<Hash, ChunkLocation> oldVersions = new HashMap<>();
    for (FileJob j : jobs) {
      if (j.staged == null || !done.add(j.staged)) {
        continue;
      }
      boolean previous = j.before != null && j.before.kind() == EntryKind.FILE && store.contains(j.before.id());
      if (previous && !j.repair) {
        Path p = SafePaths.resolve(live, j.path);
        VouchedFiles.Stamp stamp = vouched.stamp(j.path, p, j.before);
        if (stamp != null) {
          reused.addAndGet(StagedClone.copyUnchanged(j.staged, p, store.manifest(j.before.id()), stamp));
        }
      }
      for (int i = 0; i < j.manifest.chunkCount(); i++) {
        if (!j.staged.has(i)) {
          needs.add(j.manifest.chunk(i).id(), new ChunkNeeds.Target(j.staged, i, j.path));
        }
      }
      if (previous) {
        Path p = SafePaths.resolve(live, j.path);
        FileManifest old = store.manifest(j.before.id());
        for (Chunk c : old.chunks()) {
          oldVersions.putIfAbsent(c.id(), new ChunkLocation(p, c.offset(), c.length()));
        }
        notePrefix(needs, j, p, old.size());
      }
    }
    // Cheap places first: the old version of the same path, then a file of the old tree with the
    // same content (a moved or copied file: found by its file id from the old trees alone). Every
    // manifest of the old tree is read only when much is still missing after that (measured: that
    // read was 1.7 s of a 1% update of 46,768 files that needed 2 MB).
    List<LocalChunkSource.LocatorFactory> cheap = new ArrayList<>();
    cheap.add(() -> id -> java.util.Optional.ofNullable(oldVersions.get(id)));
    if (hasLocal) {
      cheap.add(() -> SameContent.locator(store, oldRoot, live, needs));
    }
    List<Hash> fetch = copyFrom(new LocalChunkSource("local", cheap), needs, needs.order, reused);
    if (hasLocal && bytesOf(needs, fetch) >= FULL_LOCATOR_MIN_BYTES) {
      LocalChunkSource all = new LocalChunkSource("local", List.of(() -> ManifestChunkLocator.build(live, store, oldRoot)));
      fetch = copyFrom(all, needs, fetch, reused);
    }
    needs.order.clear();
    needs.order.addAll(fetch);
    return needs;
  }

  /** Copies what {@code source} holds of {@code ids} into their staged files; returns the ids it does not hold. */
  private static List<Hash> copyFrom(LocalChunkSource source, ChunkNeeds needs, List<Hash> ids, AtomicLong reused)
      throws ChasmException, IOException {
    List<Hash> missing = new ArrayList<>();
    await(source.fetch(ids, new ChunkReceiver() {
      @Override
      public void chunk(Hash id, byte[] data) throws IOException {
        for (ChunkNeeds.Target t : needs.targets.remove(id)) {
          t.file().write(t.index(), data);
        }
        reused.incrementAndGet();
      }

      @Override
      public void notHeld(Hash id) {
        missing.add(id);
      }
    }));
    return missing;
  }

  private static long bytesOf(ChunkNeeds needs, List<Hash> ids) {
    long n = 0;
    for (Hash id : ids) {
      ChunkNeeds.Target t = needs.targets.get(id).get(0);
      n += t.file().manifest().chunk(t.index()).length();
    }
    return n;
  }

  /**
   * An appended-to file: the new chunk that spans the old end of file starts with the old
   * file's tail, which the live file still holds. Offered as a prefix, the server sends only
   * the rest. Only that one chunk per file, so what is held in memory stays bounded.
   */
  private static void notePrefix(ChunkNeeds needs, FileJob j, Path old, long oldSize) {
    for (int i = 0; i < j.manifest.chunkCount(); i++) {
      Chunk c = j.manifest.chunk(i);
      long held = oldSize - c.offset();
      if (c.offset() < oldSize && oldSize <= c.offset() + c.length() && held >= MIN_PREFIX && !j.staged.has(i)) {
        needs.prefixAt.putIfAbsent(c.id(), new ChunkLocation(old, c.offset(), (int) held));
      }
    }
  }

  /** The local source answers before it returns: its failure is the reuse's failure, typed as thrown. */
  private static void await(java.util.concurrent.CompletableFuture<Void> f) throws ChasmException, IOException {
    try {
      f.join();
    } catch (java.util.concurrent.CompletionException e) {
      Upstreams.rethrow(e);
    }
  }
}
