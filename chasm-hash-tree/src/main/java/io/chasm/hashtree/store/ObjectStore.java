package io.chasm.hashtree.store;

import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import io.chasm.hashtree.tree.TreeLimits;
import java.io.IOException;
import java.util.Optional;

/**
 * Encoded objects (trees, file manifests) by id. Implementations only store bytes: {@link #put}
 * trusts its caller to pass the id the bytes hash to, and the typed readers ({@link #tree}, {@link
 * #manifest}) verify the bytes against the id on every read, so a corrupted store is detected, not
 * served.
 *
 * <p>Implementations must be safe for concurrent use.
 */
public interface ObjectStore {
  /** The encoded object, or empty if this store does not hold it. */
  Optional<byte[]> get(ObjectId id) throws IOException;

  /** Stores an encoded object under its id; storing the same id again is a no-op. */
  void put(ObjectId id, byte[] encoded) throws IOException;

  default boolean contains(ObjectId id) throws IOException {
    return get(id).isPresent();
  }

  /** Stores a tree and returns its id. */
  default ObjectId put(Tree tree) throws IOException {
    put(tree.id(), tree.encode());
    return tree.id();
  }

  /** Stores a file manifest and returns its file id. */
  default ObjectId put(FileManifest manifest) throws IOException {
    put(manifest.id(), manifest.encode());
    return manifest.id();
  }

  /**
   * Reads and verifies a tree.
   *
   * @throws MissingObjectException if the store does not hold it
   * @throws VerificationException if the stored bytes are not that tree
   * @throws LimitExceededException if the stored tree exceeds the default limits
   */
  default Tree tree(ObjectId id)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    byte[] b = get(id).orElseThrow(() -> new MissingObjectException(id));
    return Tree.decode(b, id, TreeLimits.DEFAULT);
  }

  /**
   * Reads and verifies a file manifest.
   *
   * @throws MissingObjectException if the store does not hold it
   * @throws VerificationException if the stored bytes are not that manifest
   * @throws LimitExceededException if the stored manifest exceeds the chunk limit
   */
  default FileManifest manifest(ObjectId id)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    byte[] b = get(id).orElseThrow(() -> new MissingObjectException(id));
    return FileManifest.decode(b, id);
  }

  /**
   * The entry at a slash-separated path under the tree {@code root}, or empty if a component is
   * missing or is not a directory.
   */
  default Optional<TreeEntry> entryAt(ObjectId root, String path)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    ObjectId dir = root;
    TreeEntry found = null;
    for (String name : path.split("/")) {
      if (dir == null) {
        return Optional.empty();
      }
      found = tree(dir).entry(name);
      if (found == null) {
        return Optional.empty();
      }
      dir = found.kind() == EntryKind.DIRECTORY ? found.id() : null;
    }
    return Optional.ofNullable(found);
  }
}
