package io.chasm.wire.get.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.MissingContentException;
import io.chasm.api.Ticker;
import io.chasm.api.VerificationException;
import io.chasm.api.source.ChunkSource;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.wire.MirrorSource;
import io.chasm.wire.sync.internal.Upstream;
import io.chasm.wire.sync.internal.Upstreams;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunks of one file, fetched by the scheduler a sync uses ({@link Upstreams}, whose {@code
 * FetchScheduler} has the rules: rate-sized batches, request timeouts, end game, bans with the
 * evidence, the liar rule), so that {@code chasm get} and {@code chasm sync} treat slow, lying and
 * failing sources alike. What is particular to one file is here: an id can repeat in a file, so
 * each chunk is written at every offset that holds it, and a ban becomes a dropped source of the
 * {@link SourceSet}.
 */
public final class FileChunks {
  /**
   * One file has few chunks (a 2 MB file about 30): small batches over few requests spread them
   * over every source from the start, before any rate is measured.
   */
  private static final int MAX_BATCH = 16;
  private static final int DEPTH = 2;

  private final SourceSet sources;
  private final Map<ChunkSource, MirrorSource> owners = new IdentityHashMap<>();
  private final List<ChunkSource> chunkSources = new ArrayList<>();
  private final Map<Hash, List<Long>> offsets = new LinkedHashMap<>();
  private final Set<Hash> done = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> delivered = new LinkedHashMap<>();
  private final String path;
  /** The failure this download made when no live source held the rest, as opposed to one the last source's ban gave. */
  private ChasmException noneHeld;

  /** @param chunkSources each live source's chunk source for this file */
  public FileChunks(SourceSet sources, Map<MirrorSource, ChunkSource> chunkSources, FileManifest manifest, String path) {
    this.sources = sources;
    this.path = path;
    chunkSources.forEach((m, c) -> {
      owners.put(c, m);
      this.chunkSources.add(c);
    });
    for (Chunk c : manifest.chunks()) {
      offsets.computeIfAbsent(c.id(), k -> new ArrayList<>()).add(c.offset());
    }
  }

  /**
   * Writes every chunk into {@code out}, each verified against its id before it is written.
   *
   * @param stall a source that sends nothing for this long is dropped (its requests time out after a third of it)
   * @return bytes delivered per source name (the copy that was written, when the end game asked two)
   * @throws VerificationException if chunks are left and some source sent bad data
   * @throws MissingContentException if chunks are left that no source holds
   */
  public Map<String, Long> fetch(OutputFile out, Ticker ticker, Duration stall) throws ChasmException, IOException {
    if (offsets.isEmpty()) {
      return Map.of();
    }
    List<Hash> ids = new ArrayList<>(offsets.keySet());
    int batch = Math.max(1, Math.min(MAX_BATCH, -Math.floorDiv(-ids.size(), DEPTH * Math.max(1, chunkSources.size()))));
    try (Upstreams ups = Upstreams.of(chunkSources, ticker, stall, (u, why) -> {})
        .whenBanned((u, why) -> sources.ban(owner(u), why))) {
      ups.fetch(ids, batch, DEPTH, new Upstreams.Delivery() {
        @Override
        public void chunk(Hash id, byte[] data) throws IOException {
          try {
            for (long offset : offsets.get(id)) {
              out.write(offset, data);
            }
          } catch (IOException e) {
            ups.failLocally(e); // the disk failed, not the source: the fetch stops, nobody is banned
            throw e;
          }
          done.add(id);
        }

        @Override
        public boolean stillNeeded(Hash id) {
          return !done.contains(id);
        }

        @Override
        public void deliveredBy(Upstream from, Hash id, int bytes) {
          synchronized (delivered) {
            delivered.merge(owner(from).name(), (long) bytes, Long::sum);
          }
        }

        @Override
        public ChasmException noneHolds(List<Hash> left, Map<Hash, Upstreams.Refusal> refusals, String why) {
          noneHeld = unfetched(left.size(), ": " + why, null);
          return noneHeld;
        }
      });
    } catch (ChasmException e) {
      if (e == noneHeld) {
        throw e;
      }
      // every source was dropped: said in the words of a download, with every source's reason
      throw unfetched(offsets.size() - done.size(), sources.summary(), e);
    }
    synchronized (delivered) {
      return new LinkedHashMap<>(delivered);
    }
  }

  private MirrorSource owner(Upstream u) {
    return owners.get(u.source());
  }

  private ChasmException unfetched(int left, String why, ChasmException last) {
    String what = left + " of " + offsets.size() + " chunks of '" + path + "' could not be fetched from any source" + why;
    ChasmException bad = sources.firstBadData();
    if (bad != null) {
      return new VerificationException(what, bad);
    }
    MissingContentException m = new MissingContentException(what, List.of(path));
    if (last != null) {
      m.initCause(last);
    }
    return m;
  }
}
