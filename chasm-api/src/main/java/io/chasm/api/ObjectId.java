package io.chasm.api;

import java.util.Objects;

/**
 * The id of a content-addressed object: its kind and the hash that names it.
 *
 * <p>The kind is part of the id so a tree id can never be mistaken for a chunk id even if the
 * bytes collided; the hashing rules of each kind are domain-separated as well ({@code
 * tck/SPEC.md}).
 */
public record ObjectId(ObjectKind kind, Hash hash) implements Comparable<ObjectId> {
  public ObjectId {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(hash, "hash");
  }

  public static ObjectId chunk(Hash hash) {
    return new ObjectId(ObjectKind.CHUNK, hash);
  }

  public static ObjectId file(Hash hash) {
    return new ObjectId(ObjectKind.FILE, hash);
  }

  public static ObjectId tree(Hash hash) {
    return new ObjectId(ObjectKind.TREE, hash);
  }

  public static ObjectId snapshot(Hash hash) {
    return new ObjectId(ObjectKind.SNAPSHOT, hash);
  }

  @Override
  public int compareTo(ObjectId o) {
    int c = kind.compareTo(o.kind);
    return c != 0 ? c : hash.compareTo(o.hash);
  }

  /** {@code <kind>:<label>:<hex>}, e.g. {@code tree:sha256:ab12...}. */
  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + hash;
  }
}
