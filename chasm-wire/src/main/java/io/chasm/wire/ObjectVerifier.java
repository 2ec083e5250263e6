package io.chasm.wire;

import io.chasm.api.ChasmException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeLimits;

/**
 * Checks fetched object bytes against their id before a {@link io.chasm.wire.peer.PeerClient} hands them out.
 */
@FunctionalInterface
public interface ObjectVerifier {
  /**
   * The default: a tree or file manifest must decode canonically and hash to its id (SPEC §3,
   * §4), with the default tree limits.
   */
  ObjectVerifier CANONICAL = (id, data) -> {
    switch (id.kind()) {
      case TREE -> Tree.decode(data, id, TreeLimits.DEFAULT);
      case FILE -> FileManifest.decode(data, id);
      default -> throw new CorruptObjectException(id + " is not a tree or file manifest");
    }
  };

  /** Accepts anything: objects are then handed out unverified and the caller must verify them. */
  ObjectVerifier NONE = (id, data) -> {};

  /**
   * @throws io.chasm.api.VerificationException if {@code data} is not the object named by {@code id}
   * @throws io.chasm.api.LimitExceededException if the object exceeds a limit
   */
  void verify(ObjectId id, byte[] data) throws ChasmException;
}
