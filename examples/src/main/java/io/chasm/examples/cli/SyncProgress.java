package io.chasm.examples.cli;

import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.wire.sync.SyncListener;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@code chasm sync}'s progress line: files and chunks planned, chunks and bytes fetched, rate,
 * sources still in use and an ETA from the chunk rate so far (chunk sizes vary, but the plan knows
 * counts, not bytes, before the manifests are read).
 */
final class SyncProgress implements SyncListener {
  private final LongSupplier nanoTime;
  private final AtomicInteger peers;
  private final AtomicLong files = new AtomicLong(-1);
  private final AtomicLong chunksPlanned = new AtomicLong();
  private final AtomicLong chunks = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private volatile long fetchStart = -1;
  private volatile String phase = "reading the head";

  SyncProgress(int upstreams, LongSupplier nanoTime) {
    this.peers = new AtomicInteger(upstreams);
    this.nanoTime = nanoTime;
  }

  @Override
  public void headAccepted(Snapshot remote, Snapshot local) {
    phase = "snapshot " + remote.sequence() + ": fetching trees";
    fetchStart = -1;
  }

  @Override
  public void planned(int files, long chunksToFetch, long chunksReused) {
    this.files.set(files);
    chunksPlanned.set(chunksToFetch);
    phase = "fetching chunks";
    if (fetchStart < 0) { // a pipelined sync plans segment by segment: the rate runs from the first
      fetchStart = nanoTime.getAsLong();
    }
  }

  @Override
  public void chunksFetched(int count, long bytes) {
    chunks.addAndGet(count);
    this.bytes.addAndGet(bytes);
  }

  @Override
  public void peerBanned(URI upstream, String reason) {
    peers.decrementAndGet();
  }

  @Override
  public void published(Snapshot snapshot) {
    phase = "published";
  }

  /** The line as it stands now. */
  String line() {
    if (fetchStart < 0) {
      return "chasm: sync: " + phase + ", " + peers.get() + " source(s)";
    }
    long done = chunks.get();
    long plan = chunksPlanned.get();
    double secs = Math.max(1e-3, (nanoTime.getAsLong() - fetchStart) / 1e9);
    double mibs = bytes.get() / secs / (1 << 20);
    String eta = done == 0 || done >= plan ? "-" : formatSeconds((plan - done) * secs / done);
    return String.format(Locale.ROOT, "chasm: sync: %,d files; %,d/%,d chunks, %,d MiB, %.1f MiB/s, %d source(s), ETA %s",
        files.get(), done, plan, bytes.get() >> 20, mibs, peers.get(), eta);
  }

  private static String formatSeconds(double s) {
    long t = Math.round(s);
    return t < 60 ? t + " s" : t < 3600 ? (t / 60) + " min " + (t % 60) + " s" : (t / 3600) + " h " + (t / 60 % 60) + " min";
  }
}
