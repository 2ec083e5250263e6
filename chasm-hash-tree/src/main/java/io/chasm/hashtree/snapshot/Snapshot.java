package io.chasm.hashtree.snapshot;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.hashtree.chunk.ChunkingParams;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One published state of a repository: which root tree, which snapshot came before, a strictly
 * increasing sequence number, when it was made and when it stops being valid, who made it, and
 * the chunking parameters its files were cut with.
 *
 * <p>Immutable. Its canonical encoding ({@link #encode()}, {@code tck/SPEC.md} §5) is what origins
 * sign; {@link #id()} is the SHA-256 of that encoding, domain-separated by the object kind.
 * Times have one-second resolution.
 */
public final class Snapshot {
  /** The encoding's format version. */
  public static final int FORMAT_VERSION = 1;
  /** Longest origin name in UTF-8 bytes. */
  public static final int MAX_ORIGIN_BYTES = 255;

  private final ObjectId rootTree;
  private final ObjectId previous; // null for the first snapshot
  private final long sequence;
  private final Instant created;
  private final Instant expires;
  private final String origin;
  private final int chunkMin;
  private final int chunkAvg;
  private final int chunkMax;
  private final byte[] encoded;

  Snapshot(
      ObjectId rootTree,
      ObjectId previous,
      long sequence,
      Instant created,
      Instant expires,
      String origin,
      int chunkMin,
      int chunkAvg,
      int chunkMax) {
    this.rootTree = Objects.requireNonNull(rootTree, "rootTree");
    this.previous = previous;
    this.sequence = sequence;
    this.created = Instant.ofEpochSecond(created.getEpochSecond());
    this.expires = Instant.ofEpochSecond(expires.getEpochSecond());
    this.origin = Objects.requireNonNull(origin, "origin");
    this.chunkMin = chunkMin;
    this.chunkAvg = chunkAvg;
    this.chunkMax = chunkMax;
    validate();
    this.encoded = SnapshotCodec.encode(this);
  }

  private void validate() {
    if (rootTree.kind() != ObjectKind.TREE) {
      throw new IllegalArgumentException("root must be a tree id, got " + rootTree);
    }
    if (previous != null && previous.kind() != ObjectKind.SNAPSHOT) {
      throw new IllegalArgumentException("previous must be a snapshot id, got " + previous);
    }
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be >= 1, got " + sequence);
    }
    if (sequence == 1 && previous != null || sequence > 1 && previous == null) {
      throw new IllegalArgumentException("sequence 1 has no previous snapshot; every later one has one");
    }
    if (created.getEpochSecond() < 0 || !expires.isAfter(created)) {
      throw new IllegalArgumentException("expiry " + expires + " must be after creation " + created);
    }
    String problem = SnapshotCodec.originProblem(origin);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    new ChunkingParams(chunkMin, chunkAvg, chunkMax); // throws IllegalArgumentException if out of range
  }

  /**
   * Decodes a canonical encoding.
   *
   * @throws CorruptObjectException if the bytes are not exactly one valid version-1 snapshot
   */
  public static Snapshot decode(byte[] bytes) throws CorruptObjectException {
    return SnapshotCodec.decode(bytes);
  }

  /** A builder for the first snapshot of an origin (sequence 1). */
  public static SnapshotBuilder first(String origin, ObjectId rootTree) {
    return new SnapshotBuilder(origin, rootTree, null, 1);
  }

  /** A builder for the snapshot that follows this one: next sequence, this as previous, same origin and chunking. */
  public SnapshotBuilder next(ObjectId newRootTree) {
    if (sequence == Long.MAX_VALUE) {
      throw new IllegalStateException("sequence numbers exhausted");
    }
    return new SnapshotBuilder(origin, newRootTree, id(), sequence + 1).chunking(chunking());
  }

  public ObjectId rootTree() {
    return rootTree;
  }

  /** The snapshot this one follows; empty only for sequence 1. */
  public Optional<ObjectId> previous() {
    return Optional.ofNullable(previous);
  }

  public long sequence() {
    return sequence;
  }

  public Instant created() {
    return created;
  }

  public Instant expires() {
    return expires;
  }

  /** The origin's name, e.g. {@code debian}: which repository this is a state of. */
  public String origin() {
    return origin;
  }

  /** The chunking the tree's files were cut with. */
  public ChunkingParams chunking() {
    return new ChunkingParams(chunkMin, chunkAvg, chunkMax);
  }

  public int chunkMin() {
    return chunkMin;
  }

  public int chunkAvg() {
    return chunkAvg;
  }

  public int chunkMax() {
    return chunkMax;
  }

  /** The canonical encoding (a copy): exactly the bytes that are signed. */
  public byte[] encode() {
    return encoded.clone();
  }

  /** SHA-256(0x04 || encoding) as a {@link ObjectKind#SNAPSHOT} id. */
  public ObjectId id() {
    return idOf(encoded);
  }

  static ObjectId idOf(byte[] encoding) {
    MessageDigest d = HashAlgorithm.SHA_256.newDigest();
    d.update((byte) ObjectKind.SNAPSHOT.code());
    d.update(encoding);
    return ObjectId.snapshot(Hash.finish(HashAlgorithm.SHA_256, d));
  }

  byte[] encodedNoCopy() {
    return encoded;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s && MessageDigest.isEqual(s.encoded, encoded);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "Snapshot[" + origin + " #" + sequence + " root " + rootTree + " expires " + expires + "]";
  }
}
