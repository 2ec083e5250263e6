package io.chasm.wire.sync;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.RollbackException;
import io.chasm.api.TransportException;
import io.chasm.api.UnsafePathException;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.index.ChunkLocation;
import io.chasm.hashtree.index.SnapshotIndexWriter;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.Durability;
import io.chasm.hashtree.publish.ManifestChunkLocator;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.publish.PublishPlan;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.publish.StagedFile;
import io.chasm.hashtree.publish.TreePublisher;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotVerifier;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.diff.TreeChange;
import io.chasm.hashtree.diff.TreeDiff;
import io.chasm.hashtree.tree.TreeEntry;
import io.chasm.hashtree.tree.TreeLimits;
import io.chasm.wire.ChunkFetch;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.sync.internal.Upstream;
import io.chasm.wire.sync.internal.Upstreams;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

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
  /** A prefix offer costs about 40 bytes on the wire: shorter ones are not worth it. */
  private static final int MIN_PREFIX = 64;
  /** Bytes of verified chunks that may wait for a writer thread (bounds memory). */
  private static final int WRITE_BUDGET = 64 << 20;
  /** Staged-file writers: file creation in one directory serialises in the kernel, so two suffice. */
  private static final int WRITERS = 2;
  /** Threads renaming content into place: renames are system calls, so more than the cores pays off a little. */
  private static final int PUBLISH_THREADS = Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors()));

  public SyncEngine(SyncOptions options) {
    this.o = options;
  }

  /** Runs one sync. */
  public SyncResult sync() throws ChasmException, IOException {
    long t0 = System.nanoTime();
    io.chasm.hashtree.sign.Ed25519.prepare(); // overlaps the head check's one-time set-up with connecting
    List<String> banned = new CopyOnWriteArrayList<>();
    try (MirrorState state = MirrorState.open(o.destination)) {
      Optional<SignedSnapshot> localEnv = state.head();
      Snapshot local = localEnv.map(SignedSnapshot::snapshot).orElse(null);
      String repo = o.repository != null ? o.repository : local != null ? local.origin() : SyncOptions.DEFAULT_REPOSITORY;
      // Manifests are decoded (and so verified) as they arrive; kept, they need no second decode.
      Map<ObjectId, FileManifest> decoded = new ConcurrentHashMap<>();
      ClientOptions co = o.client.withObjectVerifier((id, data) -> {
        if (id.kind() == ObjectKind.FILE) {
          decoded.put(id, decodeManifest(id, data));
        } else {
          verifyObject(id, data);
        }
      });
      LOG.debug("state open after {} ms", (System.nanoTime() - t0) / 1_000_000);
      try (Upstreams ups = Upstreams.connect(o.upstreams, co, o.stallTimeout, (u, why) -> {
        banned.add(SyncResult.ban(u, why));
        o.listener.peerBanned(u, why);
      })) {
        LOG.debug("connected after {} ms", (System.nanoTime() - t0) / 1_000_000);
        Run run = new Run(state, ups, repo, local, decoded);
        boolean changed = run.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        long seq = changed ? run.remote.sequence() : local.sequence();
        return new SyncResult(seq, !changed, ups.bytesReceived(), ups.bytesSent(), run.chunksFetched.get(),
            run.chunksReused.get(), run.filesAdded, run.filesChanged, run.filesDeleted, secs, banned, run.skippedLinks);
      }
    }
  }

  private static FileManifest decodeManifest(ObjectId id, byte[] data) throws VerificationException {
    try {
      return FileManifest.decode(data, id);
    } catch (io.chasm.api.LimitExceededException e) {
      throw new VerificationException(id + ": " + e.getMessage(), e);
    }
  }

  /** Checks a fetched tree or manifest against its id (installed as the client's verifier). */
  static void verifyObject(ObjectId id, byte[] data) throws VerificationException {
    try {
      if (id.kind() == ObjectKind.TREE) {
        Tree.decode(data, id, TreeLimits.DEFAULT);
      } else if (id.kind() == ObjectKind.FILE) {
        FileManifest.decode(data, id);
      } else {
        throw new VerificationException("unexpected object kind " + id);
      }
    } catch (io.chasm.api.LimitExceededException e) {
      throw new VerificationException(id + ": " + e.getMessage(), e);
    }
  }

  /** One file to publish and where its bytes come from. */
  private static final class FileJob {
    final String path;
    final TreeEntry entry;
    final TreeEntry before;
    final boolean replace;
    FileManifest manifest;
    StagedFile staged;
    boolean inPlace;
    Path hardlinkFrom;

    FileJob(String path, TreeEntry entry, TreeEntry before, boolean replace) {
      this.path = path;
      this.entry = entry;
      this.before = before;
      this.replace = replace;
    }
  }

  private record Target(StagedFile file, int index) {}

  /** The state of one sync run. */
  private final class Run {
    final MirrorState state;
    final ObjectStore store;
    final Upstreams ups;
    final String repo;
    final Snapshot local;
    Snapshot remote;
    byte[] remoteEnvelope;
    final AtomicLong chunksFetched = new AtomicLong();
    final AtomicLong chunksReused = new AtomicLong();
    long filesAdded;
    long filesChanged;
    long filesDeleted;
    final List<FileJob> jobs = new ArrayList<>();
    final PublishPlan plan = new PublishPlan();
    /** Symlinks of the snapshot not created because they point outside the tree. */
    final List<String> skippedLinks = new ArrayList<>();

    /** Manifests fetched in this run, as the client decoded them when verifying. */
    final Map<ObjectId, FileManifest> fetched;

    Run(MirrorState state, Upstreams ups, String repo, Snapshot local, Map<ObjectId, FileManifest> fetched) {
      this.fetched = fetched;
      this.state = state;
      this.store = state.objects();
      this.ups = ups;
      this.repo = repo;
      this.local = local;
    }

    /** Returns false if already up to date. */
    boolean run() throws ChasmException, IOException {
      long t0 = System.nanoTime();
      boolean newer = chooseHead();
      LOG.debug("head after {} ms", (System.nanoTime() - t0) / 1_000_000);
      if (!newer) {
        o.listener.upToDate(local);
        return false;
      }
      o.listener.headAccepted(remote, local);
      ObjectId empty = store.put(Tree.empty());
      ObjectId oldRoot = local != null ? local.rootTree() : empty;
      boolean flip = o.flip;
      Path oldLive = state.liveRoot();
      if (!flip && state.flipMode()) {
        throw new IOException(o.destination + " is published in flip mode (has a 'current' symlink); sync it with --flip");
      }
      // A publish that was interrupted (kill, power loss) left some paths at the version it was
      // publishing, others at the local head's: diffing the local head against the remote would
      // miss the first kind whenever the remote has the local head's version again. Then every
      // file is checked against the remote instead (files already right are left in place).
      ObjectId interrupted = flip ? null : interruptedPublish();
      fetchTrees(remote.rootTree(), interrupted != null ? empty : oldRoot);
      LOG.debug("fetchTrees done after {} ms, {} bytes received", (System.nanoTime() - t0) / 1_000_000, ups.bytesReceived());
      if (flip) {
        planFlip(oldRoot, oldLive);
      } else {
        if (interrupted != null) {
          LOG.info("the previous publish was interrupted: checking every file against snapshot #{}", remote.sequence());
          planChanges(TreeDiff.diff(store, empty, remote.rootTree()));
          for (ObjectId from : List.of(oldRoot, interrupted)) {
            if (store.contains(from)) {
              for (TreeChange c : TreeDiff.diff(store, from, remote.rootTree())) {
                if (c.type() == TreeChange.Type.REMOVED) {
                  plan.delete(c.pathString());
                }
              }
            }
          }
        } else {
          planChanges(TreeDiff.diff(store, oldRoot, remote.rootTree()));
        }
      }
      if (!flip && (local == null || o.deleteUnknown)) {
        planUnknownDeletes(oldRoot, interrupted);
      }
      fetchManifests();
      LOG.debug("fetchManifests done after {} ms, {} bytes received", (System.nanoTime() - t0) / 1_000_000, ups.bytesReceived());
      Path liveForReuse = oldLive;
      prepareFiles(liveForReuse, flip);
      LOG.debug("prepareFiles done after {} ms, {} bytes received", (System.nanoTime() - t0) / 1_000_000, ups.bytesReceived());
      reuseLocal(liveForReuse, oldRoot);
      LOG.debug("reuseLocal done after {} ms, {} bytes received", (System.nanoTime() - t0) / 1_000_000, ups.bytesReceived());
      fetchChunks();
      LOG.debug("fetchChunks done after {} ms, {} bytes received", (System.nanoTime() - t0) / 1_000_000, ups.bytesReceived());
      publish(flip);
      LOG.debug("publish done after {} ms, {} bytes received", (System.nanoTime() - t0) / 1_000_000, ups.bytesReceived());
      return true;
    }

    private boolean chooseHead() throws ChasmException, IOException {
      SnapshotVerifier verifier = new SnapshotVerifier(o.trust, o.clock);
      Map<Upstream, CompletableFuture<Optional<byte[]>>> asked = new LinkedHashMap<>();
      for (Upstream u : ups.usable()) {
        asked.put(u, u.client().head(repo));
      }
      Map<Upstream, Snapshot> heads = new LinkedHashMap<>();
      Map<Upstream, byte[]> envelopes = new HashMap<>();
      ChasmException notFound = null;
      for (Map.Entry<Upstream, CompletableFuture<Optional<byte[]>>> e : asked.entrySet()) {
        Upstream u = e.getKey();
        try {
          Optional<byte[]> env = ups.await(u, e.getValue());
          if (env.isEmpty()) {
            notFound = new ChasmException(u + " does not hold repository '" + repo + "'");
            u.markBehind();
            continue;
          }
          heads.put(u, verifier.verify(env.get(), SnapshotVerifier.NONE_ACCEPTED));
          envelopes.put(u, env.get());
        } catch (ChasmException | IOException ex) {
          ups.ban(u, ex);
        }
      }
      if (heads.isEmpty()) {
        ChasmException f = ups.failure();
        throw f != null ? f : notFound != null ? notFound : new TransportException("no upstream answered");
      }
      Upstream best = null;
      for (Map.Entry<Upstream, Snapshot> h : heads.entrySet()) {
        if (best == null || h.getValue().sequence() > heads.get(best).sequence()) {
          best = h.getKey();
        }
      }
      remote = heads.get(best);
      remoteEnvelope = envelopes.get(best);
      for (Map.Entry<Upstream, Snapshot> h : heads.entrySet()) {
        if (!h.getValue().id().equals(remote.id())) {
          h.getKey().markBehind();
        }
      }
      if (local != null) {
        if (remote.id().equals(local.id())) {
          return false;
        }
        if (remote.sequence() <= local.sequence()) {
          throw new RollbackException("upstream head " + remote.origin() + " #" + remote.sequence()
              + " is not newer than the local snapshot #" + local.sequence());
        }
        if (!remote.origin().equals(local.origin())) {
          throw new VerificationException("upstream snapshot is of '" + remote.origin() + "', this tree follows '" + local.origin() + "'");
        }
      }
      return true;
    }

    /** Fetches, level by level, every tree of the new snapshot whose id differs from the old one at the same path. */
    private void fetchTrees(ObjectId newRoot, ObjectId oldRoot) throws ChasmException, IOException {
      List<ObjectId[]> level = new ArrayList<>();
      level.add(new ObjectId[] {newRoot, oldRoot});
      Set<ObjectId> seen = new HashSet<>();
      while (!level.isEmpty()) {
        List<ObjectId> missing = new ArrayList<>();
        for (ObjectId[] p : level) {
          if (!p[0].equals(p[1]) && !store.contains(p[0]) && seen.add(p[0])) {
            missing.add(p[0]);
          }
        }
        fetchObjects(missing);
        List<ObjectId[]> next = new ArrayList<>();
        for (ObjectId[] p : level) {
          if (p[0].equals(p[1])) {
            continue;
          }
          Tree nt = store.tree(p[0]);
          Tree ot = p[1] == null ? null : store.tree(p[1]);
          for (TreeEntry e : nt.entries()) {
            if (e.kind() != EntryKind.DIRECTORY) {
              continue;
            }
            TreeEntry oe = ot == null ? null : ot.entry(e.name());
            ObjectId oid = oe != null && oe.kind() == EntryKind.DIRECTORY ? oe.id() : null;
            if (!e.id().equals(oid)) {
              next.add(new ObjectId[] {e.id(), oid});
            }
          }
        }
        level = next;
      }
    }

    private void fetchObjects(List<ObjectId> ids) throws ChasmException, IOException {
      if (ids.isEmpty()) {
        return;
      }
      Set<ObjectId> need = ConcurrentHashMap.newKeySet();
      need.addAll(ids);
      ups.fetch(ids, 1024, o.batchesInFlight, (u, batch) -> u.nextClient().objects(repo, batch).thenApply(got -> {
        u.progress();
        try {
          for (Map.Entry<ObjectId, byte[]> e : got.entrySet()) {
            store.put(e.getKey(), e.getValue());
            need.remove(e.getKey());
          }
        } catch (IOException ex) {
          ups.failLocally(ex);
          throw new java.io.UncheckedIOException(ex);
        }
        List<ObjectId> miss = new ArrayList<>();
        for (ObjectId id : batch) {
          if (!got.containsKey(id)) {
            miss.add(id);
          }
        }
        return (Collection<ObjectId>) miss;
      }), need::contains);
    }

    private void planChanges(List<TreeChange> changes) throws ChasmException, IOException {
      for (TreeChange c : changes) {
        String p = c.pathString();
        SafePaths.resolve(o.destination, p);
        TreeEntry before = c.before();
        TreeEntry after = c.after();
        switch (c.type()) {
          case ADDED -> add(p, after, null, false);
          case KIND_CHANGED -> {
            filesDeleted += countFiles(before);
            add(p, after, null, true);
          }
          case MODIFIED -> {
            if (after.kind() == EntryKind.FILE) {
              jobs.add(new FileJob(p, after, before, false));
              filesChanged++;
            } else if (after.kind() == EntryKind.SYMLINK) {
              symlink(p, after.linkTarget(), false, o.destination);
            }
          }
          case REMOVED -> {
            filesDeleted += countFiles(before);
            plan.delete(p);
          }
        }
      }
    }

    private void add(String p, TreeEntry e, TreeEntry before, boolean replace) throws ChasmException, IOException {
      switch (e.kind()) {
        case FILE -> {
          jobs.add(new FileJob(p, e, before, replace));
          filesAdded++;
        }
        case SYMLINK -> symlink(p, e.linkTarget(), replace, o.destination);
        case DIRECTORY -> {
          plan.directory(p, replace);
          for (TreeEntry child : store.tree(e.id()).entries()) {
            add(p + "/" + child.nameString(), child, null, false);
          }
        }
      }
    }

    /**
     * A mirror is an exact copy: entries of the live tree that neither the new snapshot, the local
     * head nor an interrupted publish names were put there by something else. On a first sync they
     * make the sync refuse (the destination may be the wrong directory) unless deleting them was
     * asked for; then they are deleted with the other deletions, after the new content is live.
     */
    private void planUnknownDeletes(ObjectId oldRoot, ObjectId interrupted) throws ChasmException, IOException {
      List<ObjectId> known = new ArrayList<>();
      known.add(remote.rootTree());
      for (ObjectId id : new ObjectId[] {local != null ? oldRoot : null, interrupted}) {
        if (id != null && store.contains(id)) {
          known.add(id);
        }
      }
      List<String> unknown = new ArrayList<>();
      unknownEntries(o.destination, "", known, unknown);
      if (unknown.isEmpty()) {
        return;
      }
      if (!o.deleteUnknown) {
        throw new ChasmException(o.destination + " is not empty: " + unknown.size() + " entries are not in snapshot #"
            + remote.sequence() + " (first: '" + SafePaths.printable(unknown.get(0))
            + "'); delete them to make an exact copy (chasm sync --delete, chasmd fetcher.delete) or sync into an empty directory");
      }
      LOG.info("deleting {} entries that snapshot #{} does not have (first: '{}')", unknown.size(), remote.sequence(),
          SafePaths.printable(unknown.get(0)));
      for (String p : unknown) {
        try (var files = Files.walk(SafePaths.resolve(o.destination, p))) {
          filesDeleted += files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).count();
        }
        plan.delete(p);
      }
    }

    /** Appends to {@code out} the entries under {@code dir} that none of the {@code known} trees names. */
    private void unknownEntries(Path dir, String prefix, List<ObjectId> known, List<String> out) throws ChasmException, IOException {
      List<Tree> trees = new ArrayList<>();
      for (ObjectId id : known) {
        trees.add(store.tree(id));
      }
      List<Path> children;
      try (var s = Files.list(dir)) {
        children = s.sorted().toList();
      }
      for (Path c : children) {
        String name = c.getFileName().toString();
        if (prefix.isEmpty() && name.equals(MirrorState.STATE_DIR)) {
          continue;
        }
        String p = prefix.isEmpty() ? name : prefix + "/" + name;
        boolean named = false;
        List<ObjectId> sub = new ArrayList<>();
        for (Tree t : trees) {
          TreeEntry e = t.entry(name);
          if (e != null) {
            named = true;
            if (e.kind() == EntryKind.DIRECTORY) {
              sub.add(e.id());
            }
          }
        }
        if (!named) {
          out.add(p);
        } else if (!sub.isEmpty() && Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
          unknownEntries(c, p, sub, out);
        }
      }
    }

    /**
     * Plans a symlink of the snapshot. One whose target is absolute or climbs above the root (a web
     * server serving the mirror could be led to {@code /etc}) fails the sync, or with
     * {@link SyncOptions.Builder#safeLinks} is skipped: whatever the path held before is removed,
     * so it never shows content the snapshot does not name. {@code live} is the tree the path is
     * removed from (null: a new tree).
     */
    private void symlink(String p, byte[] target, boolean replace, Path live) throws UnsafePathException {
      try {
        SafePaths.checkSymlinkTarget(p, target);
      } catch (UnsafePathException e) {
        if (!o.safeLinks) {
          throw e;
        }
        LOG.warn("{}: not created (a mirror creates no link out of its tree)", e.getMessage());
        skippedLinks.add(p);
        o.listener.symlinkSkipped(p, e.getMessage());
        if (live != null && Files.exists(SafePaths.resolve(live, p), LinkOption.NOFOLLOW_LINKS)) {
          plan.delete(p);
        }
        return;
      }
      plan.symlink(p, target, replace);
    }

    private long countFiles(TreeEntry e) throws ChasmException, IOException {
      if (e.kind() == EntryKind.FILE) {
        return 1;
      }
      if (e.kind() != EntryKind.DIRECTORY) {
        return 0;
      }
      long n = 0;
      Optional<byte[]> t = store.get(e.id());
      if (t.isEmpty()) {
        return 0;
      }
      for (TreeEntry c : store.tree(e.id()).entries()) {
        n += countFiles(c);
      }
      return n;
    }

    /** Flip mode: the complete new tree; unchanged files are hard links to the current ones. */
    private void planFlip(ObjectId oldRoot, Path oldLive) throws ChasmException, IOException {
      Map<String, TreeEntry> old = new HashMap<>();
      if (local != null) {
        collectFiles("", oldRoot, old);
      }
      Map<String, TreeEntry> now = new LinkedHashMap<>();
      planFlipDir("", remote.rootTree(), now);
      for (Map.Entry<String, TreeEntry> e : now.entrySet()) {
        TreeEntry was = old.remove(e.getKey());
        FileJob j = new FileJob(e.getKey(), e.getValue(), was, false);
        if (was != null && was.id().equals(e.getValue().id()) && was.executable() == e.getValue().executable()) {
          j.hardlinkFrom = SafePaths.resolve(oldLive, e.getKey());
        } else if (was != null) {
          filesChanged++;
        } else {
          filesAdded++;
        }
        jobs.add(j);
      }
      filesDeleted += old.size();
    }

    private void planFlipDir(String prefix, ObjectId tree, Map<String, TreeEntry> files) throws ChasmException, IOException {
      for (TreeEntry e : store.tree(tree).entries()) {
        String p = prefix.isEmpty() ? e.nameString() : prefix + "/" + e.nameString();
        switch (e.kind()) {
          case FILE -> files.put(p, e);
          case SYMLINK -> symlink(p, e.linkTarget(), false, null);
          case DIRECTORY -> {
            plan.directory(p, false);
            planFlipDir(p, e.id(), files);
          }
        }
      }
    }

    private void collectFiles(String prefix, ObjectId tree, Map<String, TreeEntry> out) throws ChasmException, IOException {
      for (TreeEntry e : store.tree(tree).entries()) {
        String p = prefix.isEmpty() ? e.nameString() : prefix + "/" + e.nameString();
        if (e.kind() == EntryKind.FILE) {
          out.put(p, e);
        } else if (e.kind() == EntryKind.DIRECTORY) {
          collectFiles(p, e.id(), out);
        }
      }
    }

    private void fetchManifests() throws ChasmException, IOException {
      Set<ObjectId> missing = new java.util.LinkedHashSet<>();
      for (FileJob j : jobs) {
        if (j.hardlinkFrom == null && !store.contains(j.entry.id())) {
          missing.add(j.entry.id());
        }
      }
      if (missing.size() >= o.wideFetchChunks && o.connections > 1) {
        ups.widen(o.connections);
      }
      fetchObjects(new ArrayList<>(missing));
      for (FileJob j : jobs) {
        if (j.hardlinkFrom == null) {
          FileManifest m = fetched.get(j.entry.id());
          j.manifest = m != null ? m : store.manifest(j.entry.id());
          if (j.manifest.size() != j.entry.size()) {
            throw new HashMismatchException("'" + SafePaths.printable(j.path) + "': tree says " + j.entry.size()
                + " bytes, its manifest " + j.manifest.size());
          }
        }
      }
    }

    /** Finds files already in place (an interrupted earlier run published them) and stages the rest. */
    private void prepareFiles(Path live, boolean flip) throws ChasmException, IOException {
      Map<ObjectId, StagedFile> byId = new HashMap<>();
      for (FileJob j : jobs) {
        if (j.hardlinkFrom != null) {
          continue;
        }
        if (!flip && alreadyInPlace(live, j)) {
          j.inPlace = true;
          continue;
        }
        StagedFile s = byId.get(j.entry.id());
        if (s == null) {
          s = state.staging().stage(j.manifest);
          byId.put(j.entry.id(), s);
        }
        j.staged = s;
      }
    }

    private boolean alreadyInPlace(Path live, FileJob j) throws IOException, ChasmException {
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

    final Map<Hash, List<Target>> need = new ConcurrentHashMap<>();
    final List<Hash> needOrder = new ArrayList<>();

    private void reuseLocal(Path live, ObjectId oldRoot) throws ChasmException, IOException {
      Set<StagedFile> done = new HashSet<>();
      Map<Hash, ChunkLocation> oldVersions = new HashMap<>();
      for (FileJob j : jobs) {
        if (j.staged == null || !done.add(j.staged)) {
          continue;
        }
        for (int i = 0; i < j.manifest.chunkCount(); i++) {
          if (!j.staged.has(i)) {
            Hash id = j.manifest.chunk(i).id();
            List<Target> t = need.get(id);
            if (t == null) {
              t = new ArrayList<>();
              need.put(id, t);
              needOrder.add(id);
            }
            t.add(new Target(j.staged, i));
          }
        }
        if (j.before != null && j.before.kind() == EntryKind.FILE && store.contains(j.before.id())) {
          Path p = SafePaths.resolve(live, j.path);
          FileManifest old = store.manifest(j.before.id());
          for (Chunk c : old.chunks()) {
            oldVersions.putIfAbsent(c.id(), new ChunkLocation(p, c.offset(), c.length()));
          }
          notePrefix(j, p, old.size());
        }
      }
      ManifestChunkLocator anywhere = null;
      List<Hash> fetch = new ArrayList<>();
      for (Hash id : needOrder) {
        ChunkLocation at = oldVersions.get(id);
        byte[] data = at == null ? null : heldAt(at, id);
        if (data == null && local != null) {
          if (anywhere == null) {
            anywhere = ManifestChunkLocator.build(live, store, oldRoot);
          }
          Optional<ChunkLocation> l = anywhere.locate(id);
          if (l.isPresent()) {
            data = heldAt(l.get(), id);
          }
        }
        if (data != null) {
          for (Target t : need.remove(id)) {
            t.file.write(t.index, data);
          }
          chunksReused.incrementAndGet();
        } else {
          fetch.add(id);
        }
      }
      needOrder.clear();
      needOrder.addAll(fetch);
      o.listener.planned(jobs.size(), fetch.size(), chunksReused.get());
    }

    /** The chunk's bytes if {@code at} still holds them, else null (the chunk is fetched). */
    private static byte[] heldAt(ChunkLocation at, Hash id) throws IOException {
      try {
        return StagedFile.readVerified(at.file(), at.offset(), at.length(), id);
      } catch (HashMismatchException e) {
        return null;
      }
    }

    /** Where each chunk to fetch may start with bytes this tree already holds (SPEC §9.17). */
    final Map<Hash, ChunkLocation> prefixAt = new HashMap<>();

    /**
     * An appended-to file: the new chunk that spans the old end of file starts with the old
     * file's tail, which the live file still holds. Offered as a prefix, the server sends only
     * the rest. Only that one chunk per file, so what is held in memory stays bounded.
     */
    private void notePrefix(FileJob j, Path old, long oldSize) {
      for (int i = 0; i < j.manifest.chunkCount(); i++) {
        Chunk c = j.manifest.chunk(i);
        long held = oldSize - c.offset();
        if (c.offset() < oldSize && oldSize <= c.offset() + c.length() && held >= MIN_PREFIX && !j.staged.has(i)) {
          prefixAt.putIfAbsent(c.id(), new ChunkLocation(old, c.offset(), (int) held));
        }
      }
    }

    /** The bytes of a noted prefix as the live file holds them now, or null (they are verified with the rest). */
    private byte[] prefix(Hash id) {
      ChunkLocation l = prefixAt.get(id);
      if (l == null) {
        return null;
      }
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(l.file())) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(l.length());
        while (b.hasRemaining() && ch.read(b, l.offset() + b.position()) >= 0) {
          // keep reading
        }
        return b.hasRemaining() ? null : b.array();
      } catch (IOException e) {
        return null;
      }
    }

    /**
     * Fetches the missing chunks. The connection's reader thread only decodes and verifies; the
     * verified bytes go to writer threads, because creating and writing staged files can block
     * for milliseconds each (measured: file creation took more of the reader's time than the
     * network on a busy disk) and the socket must keep being read meanwhile. At most
     * {@link #WRITE_BUDGET} bytes wait for a writer; past that the reader waits (back-pressure).
     */
    private void fetchChunks() throws ChasmException, IOException {
      if (needOrder.isEmpty()) {
        return;
      }
      if (needOrder.size() >= o.wideFetchChunks && o.connections > 1) {
        ups.widen(o.connections);
      }
      java.util.concurrent.Semaphore budget = new java.util.concurrent.Semaphore(WRITE_BUDGET);
      java.util.concurrent.atomic.AtomicReference<IOException> writeFailure = new java.util.concurrent.atomic.AtomicReference<>();
      java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(WRITERS, r -> {
        Thread t = new Thread(r, "chasm-sync-writer");
        t.setDaemon(true);
        return t;
      });
      try {
        ups.fetch(needOrder, o.chunksPerBatch, o.batchesInFlight, (u, batch) -> {
          CompletableFuture<ChunkFetch> f = u.nextClient().chunks(repo, batch, this::prefix, (id, data) -> {
            u.progress();
            List<Target> ts = need.remove(id);
            if (ts == null) {
              return;
            }
            int cost = Math.min(WRITE_BUDGET, data.length + 1);
            budget.acquireUninterruptibly(cost);
            writers.execute(() -> {
              try {
                for (Target t : ts) {
                  t.file.write(t.index, data);
                }
                chunksFetched.incrementAndGet();
              } catch (IOException | RuntimeException e) {
                IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
                need.put(id, ts);
                writeFailure.compareAndSet(null, io);
                ups.failLocally(io);
              } finally {
                budget.release(cost);
              }
            });
          }, o.chunkCompression.compress(u.uri()));
          return f.thenApply(r -> {
            o.listener.chunksFetched(r.delivered(), r.rawBytes());
            return (Collection<Hash>) r.missing();
          });
        }, need::containsKey);
      } finally {
        writers.shutdown();
        try {
          while (!writers.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
            LOG.debug("waiting for staged writes to finish");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while writing staged chunks");
        }
      }
      if (writeFailure.get() != null) {
        throw writeFailure.get();
      }
      if (!need.isEmpty()) {
        throw new ChasmException("no upstream sent chunk " + need.keySet().iterator().next());
      }
    }

    private void publish(boolean flip) throws ChasmException, IOException {
      Set<StagedFile> finished = new HashSet<>();
      for (FileJob j : jobs) {
        if (j.staged != null && finished.add(j.staged)) {
          j.staged.finish(false);
        }
      }
      // Another path with the same content gets its own copy (files are never shared). Copies are
      // made before the one file-system sync so they need no fsync each: a distribution tree has
      // thousands of identical files (licences), and an fsync each cost seconds.
      Map<FileJob, Path> copies = new HashMap<>();
      Set<StagedFile> first = new HashSet<>();
      for (FileJob j : jobs) {
        if (j.hardlinkFrom == null && !j.inPlace && !first.add(j.staged)) {
          Path copy = state.staging().temporary(".dup");
          Files.copy(j.staged.path(), copy, StandardCopyOption.REPLACE_EXISTING);
          copies.put(j, copy);
        }
      }
      // One mtime for every file of this publish, older than the index's racy window (SPEC §6.3):
      // the stat index written below can then trust them, and any later write moves the mtime.
      java.nio.file.attribute.FileTime mtime = publishedMtime();
      for (StagedFile s : finished) {
        Files.setLastModifiedTime(s.path(), mtime);
      }
      for (Path c : copies.values()) {
        Files.setLastModifiedTime(c, mtime);
      }
      if (!flip) {
        // The trees named by the marker must survive with it (the next run diffs against them).
        state.objects().sync();
        Files.writeString(publishingMarker(), remote.rootTree().hash().toString());
      }
      long t0 = System.nanoTime();
      boolean fsAll = Durability.syncFileSystem(state.staging().directory());
      LOG.debug("publish: staged files durable in {} ms", (System.nanoTime() - t0) / 1_000_000);
      if (!fsAll) {
        if (!flip) {
          Durability.force(publishingMarker());
        }
        for (StagedFile s : finished) {
          Durability.force(s.path());
        }
        for (Path c : copies.values()) {
          Durability.force(c);
        }
      }
      Path target = flip ? state.stateDirectory().resolve("trees").resolve(String.format("%020d", remote.sequence())) : o.destination;
      if (flip) {
        TreePublisher.deleteRecursively(target);
        Files.createDirectories(target);
      }
      for (FileJob j : jobs) {
        if (j.hardlinkFrom != null) {
          plan.hardlink(j.path, j.hardlinkFrom);
        } else if (j.inPlace) {
          Path p = SafePaths.resolve(target, j.path);
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(j.entry.executable() ? "rwxr-xr-x" : "rw-r--r--"));
        } else if (copies.containsKey(j)) {
          plan.file(j.path, copies.get(j), j.entry.executable(), j.replace);
        } else {
          plan.file(j.path, j.staged.path(), j.entry.executable(), j.replace);
        }
      }
      TreePublisher publisher = new TreePublisher(target, state.staging(), o.metadata).fsyncEachDirectory(!fsAll)
          .threads(PUBLISH_THREADS);
      publisher.publish(plan, s -> {});
      LOG.debug("publish: renamed into place after {} ms", (System.nanoTime() - t0) / 1_000_000);
      if (flip) {
        switchCurrent(target);
      }
      if (fsAll) {
        Durability.syncFileSystem(o.destination);
      }
      state.objects().sync();
      state.snapshots().append(SignedSnapshot.decode(remoteEnvelope));
      Files.deleteIfExists(publishingMarker());
      LOG.debug("publish: durable and recorded after {} ms", (System.nanoTime() - t0) / 1_000_000);
      state.staging().clean(Set.of());
      if (flip) {
        removeOldTrees(target);
      } else {
        writeIndex();
      }
      o.listener.published(remote);
    }

    /** The snapshot's creation time (the same on every mirror), but at least 3 s in the past. */
    private java.nio.file.attribute.FileTime publishedMtime() {
      java.time.Instant latest = java.time.Instant.now().minusSeconds(3);
      java.time.Instant created = remote.created();
      return java.nio.file.attribute.FileTime.from(created.isBefore(latest) ? created : latest);
    }

    /**
     * The stat index of what was just published, so that {@code chasm index} on the mirror
     * rehashes nothing. Best effort: the snapshot is already recorded, and a missing or older index
     * only costs a rehash later.
     */
    private void writeIndex() {
      Map<String, FileManifest> verified = new HashMap<>();
      for (FileJob j : jobs) {
        if (j.manifest != null) {
          verified.put(j.path, j.manifest);
        }
      }
      try {
        long t0 = System.nanoTime();
        SnapshotIndexWriter.Written w = SnapshotIndexWriter.write(o.destination, state.stateDirectory(), state.objects(),
            remote.rootTree(), remote.chunking(), verified);
        LOG.debug("stat index written in {} ms: {} entries, {} files trusted, {} to rehash", (System.nanoTime() - t0) / 1_000_000,
            w.entries(), w.trustedFiles(), w.filesToRehash());
      } catch (ChasmException | IOException | RuntimeException e) {
        LOG.warn("stat index not written ({}); the next 'chasm index' rehashes what it cannot trust", e.getMessage());
      }
    }

    /** Exists from just before the first rename of a publish until its snapshot is recorded. */
    private Path publishingMarker() {
      return state.stateDirectory().resolve("publishing");
    }

    /** The root tree an interrupted publish was writing, or null if the last publish completed. */
    private ObjectId interruptedPublish() throws IOException {
      Path m = publishingMarker();
      if (!Files.exists(m)) {
        return null;
      }
      try {
        return ObjectId.tree(Hash.parse(Files.readString(m).trim()));
      } catch (RuntimeException e) {
        return ObjectId.tree(Hash.sha256(new byte[0])); // unreadable: still check every file
      }
    }

    private void switchCurrent(Path tree) throws IOException {
      Path dest = o.destination.toAbsolutePath().normalize();
      Path current = dest.resolve(MirrorState.CURRENT);
      if (Files.exists(current, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(current)) {
        throw new IOException(current + " exists and is not a symlink; refusing to replace it in flip mode");
      }
      Path tmp = state.staging().temporary(".current");
      Files.delete(tmp);
      Files.createSymbolicLink(tmp, dest.relativize(tree));
      Path tmpInDest = dest.resolve(".current.tmp");
      Files.move(tmp, tmpInDest, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmpInDest, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Keeps the live tree and the one before it (readers may still be in it). */
    private void removeOldTrees(Path live) throws IOException {
      Path trees = live.getParent();
      List<Path> all = new ArrayList<>();
      try (var s = Files.list(trees)) {
        s.filter(p -> !p.equals(live)).sorted().forEach(all::add);
      }
      for (int i = 0; i < all.size() - 1; i++) {
        TreePublisher.deleteRecursively(all.get(i));
      }
    }
  }

  @Override
  public String toString() {
    return "SyncEngine[" + o.destination + " from " + o.upstreams + "]";
  }

  static URI first(List<URI> l) {
    return l.get(0);
  }
}
