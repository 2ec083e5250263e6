package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotVerifier;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.Tree;
import io.chasm.wire.ClientOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sync run, step by step (docs/sync.md): head, trees, plan, manifests, staging, local reuse,
 * chunks, publish. Each step is its own class; this one holds what passes between them.
 */
public final class SyncRun {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SyncRun.class);
  private final RunSettings s;
  private final MirrorState state;
  private final ObjectStore store;
  private final Upstreams ups;
  private final ClientOptions client;
  private final String repo;
  private final Snapshot local;
  private final ObjectChecks checks;
  private final DamageScan scan;
  private final AtomicLong chunksFetched = new AtomicLong();
  private final AtomicLong chunksReused = new AtomicLong();
  private Snapshot remote;
  private Plan plan = new Plan();

  /**
   * @param client the options the upstreams were connected with (with {@code checks} as their object verifier)
   * @param local the local head, or null on a first sync
   */
  public SyncRun(RunSettings s, MirrorState state, Upstreams ups, ClientOptions client, String repo, Snapshot local,
      ObjectChecks checks, DamageScan scan) {
    this.s = s;
    this.state = state;
    this.store = state.objects();
    this.ups = ups;
    this.client = client;
    this.repo = repo;
    this.local = local;
    this.checks = checks;
    this.scan = scan;
  }

  /** Returns false if already up to date (nothing new, nothing damaged). */
  public boolean run() throws ChasmException, IOException {
    long t0 = s.ticker().nanos();
    EquivocationCheck eq = new EquivocationCheck(state.stateDirectory(), s.trust(), state.head().orElse(null));
    SnapshotVerifier verifier = new SnapshotVerifier(s.trust(), s.clock());
    Optional<HeadSelection.Head> head = HeadSelection.choose(ups, repo, verifier, local, eq);
    debug("head", t0);
    boolean flip = s.flip();
    PublishMarker marker = new PublishMarker(state.stateDirectory());
    ObjectId interrupted = flip ? null : marker.interrupted();
    // After an interrupted publish every file is checked against the snapshot anyway.
    DamageScan.Found found = flip || interrupted != null ? DamageScan.Found.NOTHING : scan.scan(state, local, s.ticker());
    List<String> damaged = found.damaged();
    debug("damage check", t0);
    if (head.isEmpty() && damaged.isEmpty()) {
      s.events().upToDate(local);
      return false;
    }
    if (!flip && state.flipMode()) {
      throw new IOException(s.destination() + " is published in flip mode (has a 'current' symlink); sync it with --flip");
    }
    // Nothing newer but damage: the local head is published again, for the damaged paths only.
    remote = head.isPresent() ? head.get().snapshot() : local;
    byte[] envelope = head.isPresent() ? head.get().envelope() : null;
    if (head.isPresent()) {
      s.events().headAccepted(remote, local);
      PeerDiscovery.learn(ups, repo, remote, verifier, client, s.maxPeers(), s.allowPrivatePeers());
    }
    ObjectId empty = store.put(Tree.empty());
    // A first sync with --delete into a directory another tool filled plans against what is there
    // (Takeover). Without --delete such a directory is refused if it holds anything the snapshot
    // lacks, and that refusal must stay cheap and say one line: no index of it first.
    ObjectId takenOver = local == null && !flip && interrupted == null && s.deleteUnknown() && Takeover.hasContent(s.destination())
        ? Takeover.index(s.destination(), state.stateDirectory(), store).orElse(null) : null;
    ObjectId oldRoot = local != null ? local.rootTree() : takenOver != null ? takenOver : empty;
    Path oldLive = state.liveRoot();
    ObjectFetcher objects = new ObjectFetcher(s, ups, client, store, repo, checks);
    objects.fetchTrees(remote.rootTree(), interrupted != null ? empty : oldRoot);
    debug("fetchTrees", t0);
    plan = new Planner(s, store).plan(remote, local, oldRoot, empty, interrupted, oldLive);
    RepairPlan.add(plan, damaged, store, remote.rootTree(), oldLive);
    StagedMetadata meta = new StagedMetadata(Publisher.publishedMtime(s, remote),
        java.nio.file.attribute.FileTime.from(s.clock().instant()));
    Stager stager = new Stager(state.staging(), oldLive, flip, interrupted != null, meta);
    boolean hasLocal = local != null || takenOver != null;
    LocalReuse reuse = new LocalReuse(store, found.vouched());
    ChunkFetcher chunks = new ChunkFetcher(s, ups, client, repo);
    if (!hasLocal && SegmentedFetch.worthIt(plan.jobs.size())) {
      // Nothing local to reuse (no old tree whose manifests every segment would have to read):
      // manifests, staging and chunks run as one pipeline.
      long[] listed = {0};
      SegmentedFetch.run(plan.jobs, (segment, done) -> {
        objects.fetchManifests(segment);
        stager.prepare(segment);
        ChunkNeeds needs = reuse.reuse(segment, oldLive, oldRoot, false, chunksReused, done);
        listed[0] += needs.order.size();
        s.events().planned(plan.jobs.size(), listed[0], chunksReused.get());
        return needs;
      }, needs -> chunks.fetch(needs, chunksFetched, meta));
      debug("fetchChunks (pipelined with manifests)", t0);
    } else {
      objects.fetchManifests(plan.jobs);
      debug("fetchManifests", t0);
      stager.prepare(plan.jobs);
      debug("prepareFiles", t0);
      ChunkNeeds needs = reuse.reuse(plan.jobs, oldLive, oldRoot, hasLocal, chunksReused);
      s.events().planned(plan.jobs.size(), needs.order.size(), chunksReused.get());
      debug("reuseLocal", t0);
      chunks.fetch(needs, chunksFetched, meta);
      debug("fetchChunks", t0);
    }
    new Publisher(s, state, marker).publish(plan, remote, envelope, meta);
    debug("publish", t0);
    return true;
  }

  private void debug(String step, long t0) {
    if (step.equals("head") || step.equals("damage check")) {
      LOG.debug("head after {} ms", (s.ticker().nanos() - t0) / 1_000_000);
    } else {
      LOG.debug("{} done after {} ms, {} bytes received", step, (s.ticker().nanos() - t0) / 1_000_000, ups.bytesReceived());
    }
  }

  /** The head synced; null if the run found the tree up to date. */
  public Snapshot remote() {
    return remote;
  }

  public long chunksFetched() {
    return chunksFetched.get();
  }

  public long chunksReused() {
    return chunksReused.get();
  }

  public long filesAdded() {
    return plan.filesAdded;
  }

  public long filesChanged() {
    return plan.filesChanged;
  }

  public long filesDeleted() {
    return plan.filesDeleted;
  }

  /** Paths written again because the live tree no longer held them as the local snapshot has them. */
  public List<String> repaired() {
    return plan.repaired;
  }

  public List<String> skippedLinks() {
    return plan.skippedLinks;
  }
}
