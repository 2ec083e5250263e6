package io.chasm.hashtree.publish;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.ObjectId;
import io.chasm.api.trust.Signer;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.index.TreeWatcher;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An origin that publishes by itself: once its tree has changed and then stayed quiet for a
 * configured time ({@link TreeWatcher}), it indexes the tree, signs the next snapshot and stores it
 * as {@code chasm publish} does, then tells {@code published} (a daemon pushes the new head to its
 * subscribers there). A change that leaves the root tree as published (a file touched back) signs
 * nothing. Without it, an edit at the origin stays unserved until someone publishes: mirrors get
 * "origin changed since snapshot N" for the edited files meanwhile.
 */
public final class QuietPublisher implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(QuietPublisher.class);

  /** Opens the tree's index (where its state lives is the caller's choice). */
  @FunctionalInterface
  public interface IndexOpener {
    TreeIndex open() throws IOException;
  }

  private final IndexOpener opener;
  private final String origin;
  private final Duration validity;
  private final Signer[] signers;
  private final Consumer<SignedSnapshot> published;
  private TreeWatcher watcher;

  private QuietPublisher(IndexOpener opener, String origin, Duration validity, Signer[] signers, Consumer<SignedSnapshot> published) {
    this.opener = opener;
    this.origin = origin;
    this.validity = validity;
    this.signers = signers.clone();
    this.published = published;
  }

  /**
   * Starts watching the tree of the index {@code opener} opens.
   *
   * @param origin the repository name if no snapshot was published yet
   * @param quiet how long the tree must stay unchanged after a change before it is published
   * @param poll how often the tree is stat-walked when the system cannot watch it all
   * @param published told each snapshot published, on the watcher's thread
   */
  public static QuietPublisher start(IndexOpener opener, String origin, Duration validity, Duration quiet, Duration poll,
      Consumer<SignedSnapshot> published, Signer... signers) throws IOException {
    Objects.requireNonNull(published);
    if (signers.length == 0) {
      throw new IllegalArgumentException("auto-publish needs a signing key");
    }
    QuietPublisher p = new QuietPublisher(opener, origin, validity, signers, published);
    Path root;
    Path state;
    try (TreeIndex index = opener.open()) {
      root = index.root();
      state = index.stateDirectory();
    }
    p.watcher = TreeWatcher.start(root, List.of(state), quiet, poll, p::publishIfChanged);
    LOG.info("auto-publishing {} after {} without changes", root, quiet);
    return p;
  }

  /** Whether the watcher fell back to stat walks. */
  public boolean polling() {
    return watcher.polling();
  }

  private void publishIfChanged() {
    try {
      Optional<SignedSnapshot> s = publishNow();
      s.ifPresent(published);
    } catch (IOException | CorruptObjectException | RuntimeException e) {
      LOG.warn("auto-publish failed: {}", e.toString());
    }
  }

  /**
   * Indexes the tree and publishes the next snapshot if its root differs from the latest one.
   *
   * @return the snapshot published, empty if the tree is as last published
   */
  public Optional<SignedSnapshot> publishNow() throws IOException, CorruptObjectException {
    try (TreeIndex index = opener.open()) {
      ObjectId root = index.update().rootTree();
      Optional<SignedSnapshot> last = index.snapshots().latest();
      if (last.isPresent() && last.get().snapshot().rootTree().equals(root)) {
        LOG.debug("tree changed and changed back: nothing to publish");
        return Optional.empty();
      }
      SignedSnapshot s = index.publish(origin, validity, signers);
      LOG.info("auto-published snapshot {} of {} after a quiet period", s.snapshot().sequence(), index.root());
      return Optional.of(s);
    }
  }

  @Override
  public void close() throws IOException {
    watcher.close();
  }
}
