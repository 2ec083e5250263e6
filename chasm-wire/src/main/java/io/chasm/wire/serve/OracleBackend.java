package io.chasm.wire.serve;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.source.OriginChange;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.snapshot.EquivocationProof;
import io.chasm.hashtree.snapshot.EquivocationProofs;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotVerifier;
import io.chasm.wire.RepositoryBackend;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repository a node's oracle serves: the published tree of one directory (a {@link
 * PublishedTree}: heads as signed, objects from the pack, chunks from the live files), which may
 * not exist yet on a mirror that has never synced. An Announce (from {@code chasm publish} or a
 * {@link io.chasm.wire.follow.Follower}) makes it load the snapshot recorded on disk at once
 * instead of at the next {@link #refresh()}; the announcer's holders are then handed out to peers
 * asking who holds the snapshot. Serve it with a {@link io.chasm.wire.peer.PeerServer} that lets the
 * node's own processes announce. Thread-safe.
 */
public final class OracleBackend implements RepositoryBackend, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(OracleBackend.class);

  private final Path tree;
  private final Path state;
  private final Set<String> aliases;
  private final boolean checkChunks;
  private final TrustPolicy trust;
  private final List<Consumer<List<String>>> onNewHead = new CopyOnWriteArrayList<>();
  private final List<String> holders = new CopyOnWriteArrayList<>();
  private long holdersSequence;
  private volatile PublishedTree published;

  /**
   * @param aliases names answered besides the snapshot's origin
   * @param checkChunks whether chunks are re-hashed before they are sent ({@link PublishedTree#checkServedChunks})
   * @param trust if not null, announced envelopes must verify against it
   */
  public OracleBackend(Path tree, Set<String> aliases, boolean checkChunks, TrustPolicy trust) {
    this(tree, null, aliases, checkChunks, trust);
  }

  /**
   * @param stateDir the tree's state directory, or null for {@link StateLocation#of}{@code (tree)}
   * @param aliases names answered besides the snapshot's origin
   * @param checkChunks whether chunks are re-hashed before they are sent ({@link PublishedTree#checkServedChunks})
   * @param trust if not null, announced envelopes must verify against it
   */
  public OracleBackend(Path tree, Path stateDir, Set<String> aliases, boolean checkChunks, TrustPolicy trust) {
    this.tree = tree;
    this.state = stateDir;
    this.aliases = Set.copyOf(aliases);
    this.checkChunks = checkChunks;
    this.trust = trust;
  }

  /** Called with the names served whenever a new snapshot is loaded. */
  public void onNewHead(Consumer<List<String>> listener) {
    onNewHead.add(listener);
  }

  /**
   * Loads the newest snapshot recorded in the tree's state, if newer than the one served.
   *
   * @return true if a new snapshot is now served
   */
  public synchronized boolean refresh() throws IOException, ChasmException {
    boolean fresh;
    if (published == null) {
      if (!Files.isDirectory(StateLocation.resolve(tree, state).resolve("snapshots"))) {
        return false;
      }
      try {
        published = PublishedTree.open(tree, state, aliases).checkServedChunks(checkChunks);
      } catch (IOException e) {
        // Not published yet (an empty snapshot history): keep serving nothing.
        LOG.debug("nothing to serve in {} yet: {}", tree, e.getMessage());
        return false;
      }
      fresh = true;
    } else {
      fresh = published.refresh();
    }
    if (fresh) {
      List<String> names = published.names();
      LOG.info("head of {} is now #{} (names {})", tree, published.sequence(), names);
      onNewHead.forEach(l -> l.accept(names));
    }
    return fresh;
  }

  /** Sequence served, 0 if none. */
  public long sequence() {
    PublishedTree p = published;
    return p == null ? 0 : p.sequence();
  }

  /** The names this backend answers to, empty before the first snapshot. */
  public List<String> names() {
    PublishedTree p = published;
    return p == null ? List.of() : p.names();
  }

  @Override
  public Optional<byte[]> head(String repository) throws IOException, ChasmException {
    PublishedTree p = published;
    return p == null ? Optional.empty() : p.head(repository);
  }

  @Override
  public Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException {
    PublishedTree p = published;
    return p == null ? Optional.empty() : p.object(repository, id);
  }

  @Override
  public Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException {
    PublishedTree p = published;
    return p == null ? Optional.empty() : p.chunk(repository, id);
  }

  /** A batch through {@link PublishedTree#chunks} (one open per file's run), not a chunk at a time. */
  @Override
  public List<Optional<byte[]>> chunks(String repository, List<Hash> ids) throws IOException, ChasmException {
    PublishedTree p = published;
    return p == null ? RepositoryBackend.super.chunks(repository, ids) : p.chunks(repository, ids);
  }

  @Override
  public Optional<OriginChange> originChange(String repository, Hash id) throws IOException {
    PublishedTree p = published;
    return p == null ? Optional.empty() : p.originChange(repository, id);
  }

  @Override
  public List<byte[]> proofs(String repository) throws IOException {
    PublishedTree p = published;
    return p == null ? List.of() : p.proofs(repository);
  }

  /**
   * With a trust policy, a client's head that conflicts with the one served (same sequence, other
   * root, both validly signed) is written as a proof, which the next GetHead hands out; the head
   * served does not change.
   */
  @Override
  public void headSeen(String repository, byte[] envelope) throws IOException, ChasmException {
    PublishedTree p = published;
    Optional<byte[]> mine = p == null || trust == null ? Optional.empty() : p.head(repository);
    if (mine.isEmpty()) {
      return;
    }
    Optional<EquivocationProof> proof = EquivocationProof.of(SignedSnapshot.decode(mine.get()), SignedSnapshot.decode(envelope));
    if (proof.isPresent()) {
      proof.get().verify(trust);
      Path file = EquivocationProofs.in(p.stateDirectory()).write(proof.get());
      LOG.error("equivocation: a client holds another #{} of {} signed by the trusted key; proof written to {}",
          proof.get().sequence(), proof.get().origin(), file);
    }
  }

  @Override
  public List<String> holders(String repository, Hash snapshot) {
    return List.copyOf(holders);
  }

  /**
   * The announcer has recorded a snapshot in the tree (publish or sync finished): load it now. The
   * envelope must be the one recorded (or older); with a trust policy it must also verify, so a
   * confused client cannot make the oracle claim a head it does not hold.
   */
  @Override
  public void announce(String repository, byte[] envelope, List<String> announcedHolders)
      throws IOException, ChasmException {
    SignedSnapshot s = SignedSnapshot.decode(envelope);
    if (trust != null) {
      new SnapshotVerifier(trust, Clock.systemUTC()).verify(s, SnapshotVerifier.NONE_ACCEPTED);
    }
    // Before the refresh, whose push to subscribers carries them.
    rememberHolders(s.snapshot().sequence(), announcedHolders);
    refresh();
    long have = sequence();
    if (have < s.snapshot().sequence()) {
      throw new VerificationException("announced snapshot #" + s.snapshot().sequence() + " of " + s.snapshot().origin()
          + " is not recorded in " + tree + " (it holds #" + have + ")");
    }
    LOG.info("announce of #{} accepted (serving #{})", s.snapshot().sequence(), have);
  }

  /**
   * Holders are those of the newest announced snapshot: a downstream told to fetch a new head
   * from a node that holds only an old one would only be marked behind.
   */
  private synchronized void rememberHolders(long seq, List<String> announced) {
    if (seq < holdersSequence) {
      return;
    }
    if (seq > holdersSequence) {
      holdersSequence = seq;
      holders.clear();
    }
    for (String h : announced) {
      if (!holders.contains(h) && holders.size() < 64) {
        holders.add(h);
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    PublishedTree p = published;
    published = null;
    if (p != null) {
      p.close();
    }
  }

  @Override
  public String toString() {
    return "oracle of " + tree;
  }
}
