package io.chasm.wire.serve;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.ObjectId;
import io.chasm.api.source.OriginChange;
import io.chasm.hashtree.index.ChunkLocation;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.publish.ManifestChunkLocator;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.publish.StagedFile;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.wire.RepositoryBackend;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a published tree (an origin after {@code chasm publish}, or a mirror after a sync) as a
 * {@link RepositoryBackend}: the latest signed envelope of the state's {@code snapshots/} exactly
 * as signed, trees and manifests from {@code objects.pack}, chunks read from the live files
 * through a locator built from the snapshot's manifests, each re-hashed before it is sent (a
 * damaged or edited live file is refused, not served); a batch reads consecutive chunks of a file
 * through one open channel.
 *
 * <p>It holds no lock on the tree: a publish or sync may run meanwhile; {@link #refresh()} picks
 * up the snapshot they record. The repository is the snapshot's origin name; extra names
 * ({@code aliases}) may be answered too. Thread-safe.
 */
public final class PublishedTree implements RepositoryBackend, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PublishedTree.class);

  private final Path dir;
  private final Path state;
  private final Set<String> aliases;
  private final Deque<PackObjectStore> retired = new ArrayDeque<>();
  private volatile Loaded current;
  private volatile boolean checkChunks = true;

  /** One served snapshot. The locator is built on the first chunk request: heads need none. */
  private static final class Loaded {
    final long sequence;
    final byte[] envelope;
    final String origin;
    final PackObjectStore store;
    final Path live;
    final ObjectId root;
    private ManifestChunkLocator locator;

    Loaded(long sequence, byte[] envelope, String origin, PackObjectStore store, Path live, ObjectId root) {
      this.sequence = sequence;
      this.envelope = envelope;
      this.origin = origin;
      this.store = store;
      this.live = live;
      this.root = root;
    }

    /** The snapshot served before this one, whose locator this one's is derived from; null once used. */
    private Loaded previous;

    synchronized ManifestChunkLocator locator() throws IOException {
      if (locator == null) {
        ManifestChunkLocator before = previous == null ? null : previous.builtLocator();
        try {
          // Derived from the previous snapshot's: reads the changed files' manifests, not every one.
          locator = before != null ? ManifestChunkLocator.update(before, previous.root, live, store, root)
              : ManifestChunkLocator.build(live, store, root);
        } catch (ChasmException e) {
          throw new IOException("cannot locate the chunks of snapshot " + sequence + ": " + e.getMessage(), e);
        }
        previous = null;
      }
      return locator;
    }

    /** The locator if it was built, else null (never builds one). */
    synchronized ManifestChunkLocator builtLocator() {
      return locator;
    }
  }

  private PublishedTree(Path dir, Path state, Set<String> aliases) {
    this.dir = dir;
    this.state = state;
    this.aliases = Set.copyOf(aliases);
  }

  /**
   * Opens the published tree in {@code dir}.
   *
   * @throws IOException if {@code dir} has no published snapshot or its state cannot be read
   * @throws ChasmException if the state is damaged
   */
  public static PublishedTree open(Path dir, Set<String> aliases) throws IOException, ChasmException {
    return open(dir, null, aliases);
  }

  /**
   * Opens the published tree in {@code dir} with its state in {@code stateDir} (null: {@link
   * StateLocation#of}{@code (dir)}).
   *
   * @throws IOException if {@code dir} has no published snapshot or its state cannot be read
   * @throws ChasmException if the state is damaged
   */
  public static PublishedTree open(Path dir, Path stateDir, Set<String> aliases) throws IOException, ChasmException {
    Path d = dir.toAbsolutePath().normalize();
    PublishedTree t = new PublishedTree(d, StateLocation.resolve(d, stateDir), aliases);
    if (!t.refresh()) {
      throw new IOException(dir + ": no published snapshot (run chasm publish or chasm sync first)");
    }
    return t;
  }

  /**
   * Loads the latest recorded snapshot if it is newer than the one served.
   *
   * @return true if a new snapshot is now served
   */
  public synchronized boolean refresh() throws IOException, ChasmException {
    Path snaps = state.resolve("snapshots");
    if (!Files.isDirectory(snaps)) {
      return false;
    }
    SnapshotHistory h = SnapshotHistory.open(snaps);
    long seq = h.latestSequence();
    Loaded c = current;
    if (seq == 0 || (c != null && c.sequence == seq)) {
      return false;
    }
    SignedSnapshot s = h.get(seq).orElseThrow();
    PackObjectStore store = PackObjectStore.openReadOnly(state.resolve("objects.pack"));
    Path live;
    try {
      live = MirrorState.liveRoot(dir);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    Loaded loaded = new Loaded(seq, s.encode(), s.snapshot().origin(), store, live, s.snapshot().rootTree());
    loaded.previous = c;
    current = loaded;
    prepareLocator(loaded);
    if (c != null) {
      retired.add(c.store);
      while (retired.size() > 1) {
        retired.poll().close();
      }
    }
    LOG.info("serving {} #{} from {}", s.snapshot().origin(), seq, dir);
    return true;
  }

  /**
   * Builds the chunk locator in the background: it reads every manifest of the snapshot (seconds
   * for a large tree), which the first chunk request would otherwise wait for (measured: most of a
   * 1% update's wall time when the locator was built on demand). A request that comes first waits
   * for the build; a failed build is retried by that request.
   */
  private static void prepareLocator(Loaded l) {
    Thread t = new Thread(() -> {
      try {
        l.locator();
      } catch (IOException | RuntimeException e) {
        LOG.debug("building the chunk locator of #{} in advance failed: {}", l.sequence, e.toString());
      }
    }, "chasm-locator");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Whether each chunk is re-hashed before it is sent (default true). Turning it off plays a
   * careless or malicious server that sends whatever the live file holds now: for demos and tests
   * of the receiving side, which must refuse such bytes itself.
   */
  public PublishedTree checkServedChunks(boolean check) {
    this.checkChunks = check;
    return this;
  }

  /** The repository name served (the snapshot's origin). */
  public String repository() {
    return current.origin;
  }

  /** Every name this backend answers to. */
  public List<String> names() {
    Loaded c = current;
    java.util.List<String> out = new java.util.ArrayList<>();
    out.add(c.origin);
    for (String a : aliases) {
      if (!a.equals(c.origin)) {
        out.add(a);
      }
    }
    return out;
  }

  /** Sequence of the snapshot served. */
  public long sequence() {
    return current.sequence;
  }

  private Loaded serving(String repository) {
    Loaded c = current;
    return c != null && (c.origin.equals(repository) || aliases.contains(repository)) ? c : null;
  }

  @Override
  public Optional<byte[]> head(String repository) {
    Loaded c = serving(repository);
    return c == null ? Optional.empty() : Optional.of(c.envelope.clone());
  }

  /** The proofs in the state's {@code equivocation/} (SPEC §14), as written there. */
  @Override
  public List<byte[]> proofs(String repository) throws IOException {
    if (serving(repository) == null) {
      return List.of();
    }
    List<byte[]> out = new java.util.ArrayList<>();
    for (Path f : io.chasm.hashtree.snapshot.EquivocationProofs.in(state).files()) {
      out.add(java.nio.file.Files.readAllBytes(f));
    }
    return out;
  }

  /** The tree's state directory. */
  public Path stateDirectory() {
    return state;
  }

  @Override
  public Optional<byte[]> object(String repository, ObjectId id) throws IOException {
    Loaded c = serving(repository);
    return c == null ? Optional.empty() : c.store.get(id);
  }

  @Override
  public Optional<byte[]> chunk(String repository, Hash id) throws IOException {
    Loaded c = serving(repository);
    if (c == null) {
      return Optional.empty();
    }
    Optional<ChunkLocation> at = c.locator().locate(id);
    if (at.isEmpty()) {
      return Optional.empty();
    }
    ChunkLocation l = at.get();
    byte[] data;
    try {
      data = checkChunks ? StagedFile.readVerified(l.file(), l.offset(), l.length(), id) : readRaw(l);
    } catch (HashMismatchException e) {
      data = null;
    }
    if (data == null) {
      LOG.warn("not serving chunk {}: {} no longer holds it (changed or damaged since snapshot {} was published;"
          + " publish a new snapshot)", id, l.file(), c.sequence);
      return Optional.empty();
    }
    return Optional.of(data);
  }

  /**
   * Several chunks, as the server asks for them in a batch: consecutive chunks of one file come
   * from one open channel ({@link ChunkReads}), each re-hashed as {@link #chunk} does
   * when {@link #checkServedChunks} is on. The channel is closed before this returns.
   */
  @Override
  public List<Optional<byte[]>> chunks(String repository, List<Hash> ids) throws IOException {
    Loaded c = serving(repository);
    List<Optional<byte[]>> out = new java.util.ArrayList<>(ids.size());
    if (c == null) {
      ids.forEach(id -> out.add(Optional.empty()));
      return out;
    }
    ManifestChunkLocator locator = c.locator();
    ChunkLocation[] at = new ChunkLocation[ids.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = locator.locate(ids.get(i)).orElse(null);
    }
    byte[][] data;
    try (ChunkReads reads = new ChunkReads(checkChunks)) {
      data = reads.read(ids, at);
    }
    for (int i = 0; i < at.length; i++) {
      if (at[i] != null && data[i] == null) {
        LOG.warn("not serving chunk {}: {} no longer holds it (changed or damaged since snapshot {} was published;"
            + " publish a new snapshot)", ids.get(i), at[i].file(), c.sequence);
      }
      out.add(Optional.ofNullable(data[i]));
    }
    return out;
  }

  /**
   * A chunk of the served snapshot that {@link #chunk} refused is one whose live file changed
   * since the publish: the locator knows the chunk, so only the file can be at fault. Named by its
   * tree path, never by the server's absolute path.
   */
  @Override
  public Optional<OriginChange> originChange(String repository, Hash id) throws IOException {
    Loaded c = serving(repository);
    if (c == null) {
      return Optional.empty();
    }
    Optional<ChunkLocation> at = c.locator().locate(id);
    if (at.isEmpty() || !at.get().file().startsWith(c.live)) {
      return Optional.empty();
    }
    Path rel = c.live.relativize(at.get().file());
    StringBuilder path = new StringBuilder();
    for (Path part : rel) {
      path.append(path.length() == 0 ? "" : "/").append(part);
    }
    return Optional.of(new OriginChange(path.toString(), c.sequence));
  }

  private static byte[] readRaw(ChunkLocation l) throws IOException {
    try (FileChannel ch = FileChannel.open(l.file())) {
      ByteBuffer b = ByteBuffer.allocate(l.length());
      while (b.hasRemaining() && ch.read(b, l.offset() + b.position()) >= 0) {
        // keep reading
      }
      return b.hasRemaining() ? null : b.array();
    }
  }

  @Override
  public synchronized void close() throws IOException {
    Loaded c = current;
    if (c != null) {
      c.store.close();
    }
    while (!retired.isEmpty()) {
      retired.poll().close();
    }
  }
}
