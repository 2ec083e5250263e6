package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.http.ChunkMap;
import io.chasm.wire.http.HttpChunkSource;
import io.chasm.wire.peer.PeerChunkSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches the chunks no local file holds from the upstreams into the staged files. The
 * connection's reader thread only decodes and verifies; the verified bytes go to writer threads,
 * because creating and writing staged files can block for milliseconds each (measured: file
 * creation took more of the reader's time than the network on a busy disk) and the socket must
 * keep being read meanwhile. At most {@link #WRITE_BUDGET} bytes wait for a writer; past that the
 * reader waits (back-pressure).
 */
final class ChunkFetcher {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChunkFetcher.class);
  /** Bytes of verified chunks that may wait for a writer thread (bounds memory). */
  private static final int WRITE_BUDGET = 64 << 20;
  /** Staged-file writers: file creation in one directory serialises in the kernel, so two suffice. */
  private static final int WRITERS = 2;
  private final RunSettings s;
  private final Upstreams ups;
  private final ClientOptions client;
  private final String repo;

  /** Where the needed chunks lie in the snapshot's files, for web mirrors; built once, on first use. */
  private ChunkMap places;

  ChunkFetcher(RunSettings s, Upstreams ups, ClientOptions client, String repo) {
    this.s = s;
    this.ups = ups;
    this.client = client;
    this.repo = repo;
  }

  /**
   * @param fetched counts the chunks received and written
   * @param meta gives each staged file its metadata as soon as its last chunk is written
   */
  void fetch(ChunkNeeds needs, AtomicLong fetched, StagedMetadata meta) throws ChasmException, IOException {
    List<Hash> order = needs.order;
    if (order.isEmpty()) {
      return;
    }
    if (order.size() >= s.wideFetchChunks() && s.connections() > 1) {
      UpstreamConnector.widen(ups, s.connections(), client);
    }
    places = null;
    Semaphore budget = new Semaphore(WRITE_BUDGET);
    AtomicReference<IOException> writeFailure = new AtomicReference<>();
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS, r -> {
      Thread t = new Thread(r, "chasm-sync-writer");
      t.setDaemon(true);
      return t;
    });
    try {
      ups.fetch(order, s.chunksPerBatch(), s.batchesInFlight(), u -> u.web() != null ? new HttpChunkSource(u.web(), places(needs))
          : new PeerChunkSource(u.name(), u.peer()::nextClient, repo, needs::prefix, s.compressChunks().test(u.uri())), new Upstreams.Delivery() {
            @Override
            public void chunk(Hash id, byte[] data) {
              List<ChunkNeeds.Target> ts = needs.targets.remove(id);
              if (ts == null) {
                return;
              }
              int cost = Math.min(WRITE_BUDGET, data.length + 1);
              budget.acquireUninterruptibly(cost);
              writers.execute(() -> {
                try {
                  for (ChunkNeeds.Target t : ts) {
                    t.file().write(t.index(), data);
                    meta.ifComplete(t.file());
                  }
                  fetched.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                  IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
                  needs.targets.put(id, ts);
                  writeFailure.compareAndSet(null, io);
                  ups.failLocally(io);
                } finally {
                  budget.release(cost);
                }
              });
            }

            @Override
            public boolean stillNeeded(Hash id) {
              return needs.targets.containsKey(id);
            }

            @Override
            public ChasmException noneHolds(List<Hash> ids, java.util.Map<Hash, Upstreams.Refusal> refusals, String sources) {
              return MissingChunks.failure(needs, ids, refusals, sources);
            }

            @Override
            public void batchDone(Upstream from, int chunks, long bytes) {
              s.events().chunksFetched(chunks, bytes);
            }
          });
    } finally {
      writers.shutdown();
      try {
        while (!writers.awaitTermination(1, TimeUnit.MINUTES)) {
          LOG.debug("waiting for staged writes to finish");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing staged chunks");
      }
    }
    if (writeFailure.get() != null) {
      throw writeFailure.get();
    }
    if (!needs.targets.isEmpty()) {
      throw MissingChunks.failure(needs, List.copyOf(needs.targets.keySet()), java.util.Map.of(), "");
    }
  }

  private synchronized ChunkMap places(ChunkNeeds needs) {
    if (places == null) {
      places = new ChunkMap();
      needs.targets.forEach((id, ts) -> ts.forEach(t -> places.add(t.path(), t.file().manifest(), t.index())));
    }
    return places;
  }
}
