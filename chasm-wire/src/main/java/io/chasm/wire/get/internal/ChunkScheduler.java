package io.chasm.wire.get.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.MissingContentException;
import io.chasm.api.ProtocolException;
import io.chasm.api.VerificationException;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.ChunkSource;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.wire.MirrorSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fetches the chunks of one file from every live source at once, each chunk verified against its
 * id before it is written. A source pulls its next batch when one of its batches ends, so faster
 * sources take more; a chunk a source lacks goes to another; a source whose batch fails (a bad
 * byte, a broken connection) is dropped and its unanswered chunks go to the others.
 */
public final class ChunkScheduler {
  private static final int MAX_BATCH = 16;
  private static final int IN_FLIGHT_PER_SOURCE = 2;

  private final SourceSet sources;
  private final OutputFile out;
  private final String path;
  private final Map<MirrorSource, ChunkSource> chunkSources = new LinkedHashMap<>();
  /** Chunk id → its offsets in the file (an id may repeat) and its length. */
  private final Map<Hash, long[]> offsets = new HashMap<>();
  private final Map<Hash, Integer> lengths = new HashMap<>();
  private final Deque<Hash> queue = new ArrayDeque<>();
  private final Set<Hash> done = new HashSet<>();
  private final Map<Hash, Set<MirrorSource>> tried = new HashMap<>();
  private final Map<MirrorSource, Integer> inFlight = new HashMap<>();
  private final Map<String, Long> delivered = new LinkedHashMap<>();
  private IOException localFailure;

  /** @param chunkSources each live source's chunk source for this file */
  public ChunkScheduler(SourceSet sources, Map<MirrorSource, ChunkSource> chunkSources, FileManifest manifest,
      OutputFile out, String path) {
    this.sources = sources;
    this.out = out;
    this.path = path;
    this.chunkSources.putAll(chunkSources);
    Map<Hash, List<Long>> at = new LinkedHashMap<>();
    for (Chunk c : manifest.chunks()) {
      at.computeIfAbsent(c.id(), k -> new ArrayList<>()).add(c.offset());
      lengths.put(c.id(), c.length());
    }
    at.forEach((id, list) -> {
      offsets.put(id, list.stream().mapToLong(Long::longValue).toArray());
      queue.add(id);
    });
  }

  /**
   * Runs until every chunk is written or no live source can supply the rest.
   *
   * @return bytes delivered per source name, in the order sources were given
   * @throws VerificationException if chunks are left and some source sent bad data
   * @throws MissingContentException if chunks are left that no source holds
   */
  public synchronized Map<String, Long> run() throws ChasmException, IOException {
    while (done.size() < offsets.size()) {
      if (localFailure != null) {
        throw localFailure;
      }
      dispatch();
      if (inFlight.values().stream().allMatch(n -> n == 0)) {
        int left = offsets.size() - done.size();
        String what = left + " of " + offsets.size() + " chunks of '" + path + "' could not be fetched from any source";
        ChasmException bad = sources.firstBadData();
        if (bad != null) {
          throw new VerificationException(what + sources.summary(), bad);
        }
        throw new MissingContentException(what + sources.summary(), List.of(path));
      }
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while fetching " + path);
      }
    }
    return new LinkedHashMap<>(delivered);
  }

  private void dispatch() {
    List<MirrorSource> live = new ArrayList<>();
    for (MirrorSource s : chunkSources.keySet()) {
      if (sources.isLive(s)) {
        live.add(s);
      }
    }
    for (MirrorSource s : live) {
      while (sources.isLive(s) && inFlight.getOrDefault(s, 0) < IN_FLIGHT_PER_SOURCE && !queue.isEmpty()) {
        int size = Math.max(1, Math.min(MAX_BATCH, -Math.floorDiv(-queue.size(), IN_FLIGHT_PER_SOURCE * live.size())));
        List<Hash> batch = take(s, size);
        if (batch.isEmpty()) {
          break;
        }
        inFlight.merge(s, 1, Integer::sum);
        Batch b = new Batch(s, batch);
        try {
          chunkSources.get(s).fetch(batch, b).whenComplete((r, err) -> b.finished(err));
        } catch (RuntimeException e) {
          b.finished(e); // a source that cannot even start a batch (closed connection) is dropped like a failed one
        }
      }
    }
  }

  /** Up to {@code size} queued ids that {@code s} has not been asked for yet. */
  private List<Hash> take(MirrorSource s, int size) {
    List<Hash> batch = new ArrayList<>(size);
    var it = queue.iterator();
    while (it.hasNext() && batch.size() < size) {
      Hash id = it.next();
      if (tried.computeIfAbsent(id, k -> new HashSet<>()).add(s)) {
        it.remove();
        batch.add(id);
      }
    }
    return batch;
  }

  /** One batch at one source: its answers, checked and written. */
  private final class Batch implements ChunkReceiver {
    private final MirrorSource source;
    private final Set<Hash> open;
    private final boolean verified;

    Batch(MirrorSource source, List<Hash> ids) {
      this.source = source;
      this.open = new HashSet<>(ids);
      this.verified = chunkSources.get(source).verifiesChunks();
    }

    @Override
    public void chunk(Hash id, byte[] data) throws IOException, ChasmException {
      synchronized (ChunkScheduler.this) {
        if (!open.contains(id)) {
          throw new ProtocolException(source.name() + " sent chunk " + id + ", not asked for in this batch");
        }
      }
      if (!verified) {
        Hash got = Hash.sha256(data);
        if (!got.equals(id)) {
          throw new HashMismatchException("chunk " + id + " of '" + path + "' from " + source.name()
              + " does not match: expected " + id.hex() + ", received " + got.hex() + " (" + data.length + " bytes)");
        }
      }
      try {
        for (long offset : offsets.get(id)) {
          out.write(offset, data);
        }
      } catch (IOException e) {
        synchronized (ChunkScheduler.this) {
          localFailure = e;
          ChunkScheduler.this.notifyAll();
        }
        throw e;
      }
      synchronized (ChunkScheduler.this) {
        open.remove(id); // only now: an id that failed stays open and goes back to the queue
        done.add(id);
        delivered.merge(source.name(), (long) data.length, Long::sum);
      }
    }

    @Override
    public void notHeld(Hash id) {
      synchronized (ChunkScheduler.this) {
        if (open.remove(id)) {
          queue.addLast(id);
        }
      }
    }

    void finished(Throwable err) {
      synchronized (ChunkScheduler.this) {
        inFlight.merge(source, -1, Integer::sum);
        for (Hash id : open) {
          queue.addFirst(id);
        }
        open.clear();
        if (err != null && localFailure == null) {
          sources.ban(source, err);
        }
        ChunkScheduler.this.notifyAll();
      }
    }
  }
}
