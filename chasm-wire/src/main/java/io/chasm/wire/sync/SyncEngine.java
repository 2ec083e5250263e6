package io.chasm.wire.sync;

import io.chasm.api.ChasmException;
import io.chasm.api.TransportException;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.wire.ClientOptions;
import io.chasm.hashtree.index.ReadPacer;
import io.chasm.wire.sync.internal.DamageScan;
import io.chasm.wire.sync.internal.ObjectChecks;
import io.chasm.wire.sync.internal.RunEvents;
import io.chasm.wire.sync.internal.RunSettings;
import io.chasm.wire.sync.internal.SyncRun;
import io.chasm.wire.sync.internal.UpstreamConnector;
import io.chasm.wire.sync.internal.Upstreams;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One-shot verified sync of a local tree from one or more upstreams (docs/sync.md): head,
 * signature/threshold/sequence/expiry check, diff by tree ids, manifests of changed files, chunks
 * not already present locally (re-hashed when copied), staging, atomic publish in safe order,
 * then the snapshot is recorded so the tree can be served onwards.
 *
 * <pre>
 *   SyncResult r = new SyncEngine(SyncOptions.builder(dest, trust).upstream(uri).build()).sync();
 * </pre>
 *
 * <p>Failures: {@link VerificationException} subtypes when an upstream's data does not verify
 * (after every upstream has been tried), {@link TransportException} when none can be reached,
 * {@link IOException} for local problems (disk full). In every case the live tree is unchanged or
 * each of its files is either the old or the new version; a rerun resumes from verified staged
 * data. One engine may run {@link #sync()} repeatedly, not concurrently.
 */
public final class SyncEngine {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SyncEngine.class);
  private final SyncOptions o;

  public SyncEngine(SyncOptions options) {
    this.o = options;
  }

  /**
   * Runs one sync. Before it plans, it checks the live tree against the stat index the last sync
   * wrote (or, with {@link SyncOptions.Builder#verifyAll}, rehashes every file) and writes again
   * whatever is damaged, also when there is no newer snapshot ({@link SyncResult#repaired()}).
   */
  public SyncResult sync() throws ChasmException, IOException {
    return sync(o.verifyAll);
  }

  /**
   * Runs one sync that rehashes every file of the live tree, as with {@link
   * SyncOptions.Builder#verifyAll}, its reads paced at {@link SyncOptions.Builder#verifyRate}:
   * what a daemon runs now and then to find damage no stat shows.
   */
  public SyncResult scrub() throws ChasmException, IOException {
    return sync(true);
  }

  private SyncResult sync(boolean verifyAll) throws ChasmException, IOException {
    long t0 = o.ticker.nanos();
    io.chasm.hashtree.sign.Ed25519.prepare(); // overlaps the head check's one-time set-up with connecting
    List<String> banned = new CopyOnWriteArrayList<>();
    MirrorState state = MirrorState.open(o.destination, o.state);
    boolean kept = false;
    try {
      Optional<SignedSnapshot> localEnv = state.head();
      Snapshot local = localEnv.map(SignedSnapshot::snapshot).orElse(null);
      String repo = o.repository != null ? o.repository : local != null ? local.origin() : SyncOptions.DEFAULT_REPOSITORY;
      ObjectChecks checks = new ObjectChecks();
      ClientOptions co = o.client.withObjectVerifier(checks::verify);
      LOG.debug("state open after {} ms", (o.ticker.nanos() - t0) / 1_000_000);
      try (Upstreams ups = UpstreamConnector.connect(o.upstreams, co, o.ticker, o.stallTimeout, (u, why) -> {
        banned.add(SyncResult.ban(u, why));
        o.listener.peerBanned(u, why);
      })) {
        LOG.debug("connected after {} ms", (o.ticker.nanos() - t0) / 1_000_000);
        SyncRun run = new SyncRun(settings(), state, ups, co, repo, local, checks, damageScan(verifyAll));
        boolean changed = run.run();
        double secs = (o.ticker.nanos() - t0) / 1e9;
        long seq = changed ? run.remote().sequence() : local.sequence();
        kept = true;
        return new SyncResult(seq, !changed, ups.bytesReceived(), ups.bytesSent(), run.chunksFetched(), run.chunksReused(),
            run.filesAdded(), run.filesChanged(), run.filesDeleted(), secs, banned, run.skippedLinks(), run.repaired());
      }
    } finally {
      closeState(state, kept);
    }
  }

  /**
   * A first sync that failed before it staged any content (refused: untrusted head, non-empty
   * destination, no upstream) leaves nothing behind, neither state nor a tree directory it created;
   * one that staged content keeps it, so that the next run resumes.
   */
  private static void closeState(MirrorState state, boolean succeeded) throws IOException {
    if (succeeded || !state.isNew() || state.snapshots().latestSequence() > 0 || hasStagedContent(state)) {
      state.close();
      return;
    }
    state.closeAndDiscard();
  }

  private static boolean hasStagedContent(MirrorState state) throws IOException {
    try (var s = java.nio.file.Files.list(state.staging().directory())) {
      return s.findAny().isPresent();
    }
  }

  private DamageScan damageScan(boolean verifyAll) {
    // Paced, it is a background scrub: one hashing thread is plenty, and spares the cores.
    int threads = o.verifyRate > 0 ? 1 : Runtime.getRuntime().availableProcessors();
    return new DamageScan(verifyAll, ReadPacer.of(o.verifyRate), threads);
  }

  private RunSettings settings() {
    return new RunSettings(o.destination, o.trust, o.flip, o.deleteUnknown, o.safeLinks, o.metadata, o.clock,
        o.ticker, o.stallTimeout, o.chunksPerBatch, o.batchesInFlight, o.chunkCompression::compress, o.connections,
        o.wideFetchChunks, o.maxPeers, o.allowPrivatePeers, events(o.listener));
  }

  private static RunEvents events(SyncListener l) {
    return new RunEvents() {
      @Override
      public void headAccepted(Snapshot remote, Snapshot local) {
        l.headAccepted(remote, local);
      }

      @Override
      public void upToDate(Snapshot local) {
        l.upToDate(local);
      }

      @Override
      public void planned(int files, long chunksToFetch, long chunksReused) {
        l.planned(files, chunksToFetch, chunksReused);
      }

      @Override
      public void chunksFetched(int count, long bytes) {
        l.chunksFetched(count, bytes);
      }

      @Override
      public void symlinkSkipped(String path, String reason) {
        l.symlinkSkipped(path, reason);
      }

      @Override
      public void published(Snapshot snapshot) {
        l.published(snapshot);
      }
    };
  }

  @Override
  public String toString() {
    return "SyncEngine[" + o.destination + " from " + o.upstreams + "]";
  }
}
