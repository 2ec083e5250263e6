package io.chasm.hashtree.merkle;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.HashMismatchException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.internal.Decoder;
import io.chasm.hashtree.internal.Encoder;
import io.chasm.hashtree.internal.Merkle;
import java.security.MessageDigest;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A file as CHASM stores and sends it: its chunk list (id and length of each chunk, in order) and
 * the file id derived from it (tck/SPEC.md section 3).
 *
 * <p>The file id is {@code SHA-256(0x02 || u64 size || u32 chunkCount || MTH)}, where MTH is the
 * RFC 6962 Merkle tree head over leaves {@code SHA-256(0x00 || u64 offset || u32 length ||
 * chunkId)}. It therefore commits to every chunk's id, offset and length and to the file's size:
 * a peer cannot lie about sizes without changing the id. The empty file has no chunks; its MTH is
 * SHA-256 of the empty string.
 *
 * <p>Immutable. Equality is by file id.
 */
public final class FileManifest {
  /** Format version of {@link #encode()}. */
  public static final int VERSION = 1;

  /** Most chunks a decoded manifest may list (4 Mi chunks, 256 GiB at the default average). */
  public static final int MAX_CHUNKS = 1 << 22;

  private static final int DIGEST = 32;

  /**
   * Reused per thread for the file id: {@code MessageDigest.getInstance} (provider lookup and a
   * reflective constructor) cost more than hashing a small file's three tiny Merkle inputs.
   * Every use starts with a reset ({@link Merkle}), and nothing else runs on it in between.
   */
  private static final ThreadLocal<MessageDigest> ROOT_DIGEST = ThreadLocal.withInitial(Merkle::sha256);

  /** Chunk digests back to back, 32 bytes each: one array instead of an object per chunk. */
  private final byte[] digests;
  private final int[] lengths;
  private final long[] offsets;
  private final long size;
  private final ObjectId id;
  private volatile Map<Long, byte[]> heads;

  private FileManifest(byte[] digests, int[] lengths) {
    this.digests = digests;
    this.lengths = lengths;
    this.offsets = new long[lengths.length];
    long pos = 0;
    for (int i = 0; i < lengths.length; i++) {
      offsets[i] = pos;
      pos += lengths[i];
    }
    this.size = pos;
    this.id = ObjectId.file(Hash.of(HashAlgorithm.SHA_256, computeRoot()));
  }

  /**
   * Builds the manifest of a file from its chunks in order.
   *
   * @throws IllegalArgumentException if the chunks do not tile {@code [0, size)} in order, are not
   *     SHA-256, are longer than {@link ChunkingParams#MAXIMUM_MAX}, or are too many
   */
  public static FileManifest of(List<Chunk> chunks) {
    if (chunks.size() > MAX_CHUNKS) {
      throw new IllegalArgumentException("a file may have at most " + MAX_CHUNKS + " chunks");
    }
    byte[] digests = new byte[chunks.size() * DIGEST];
    int[] lengths = new int[chunks.size()];
    long expected = 0;
    for (int i = 0; i < lengths.length; i++) {
      Chunk c = chunks.get(i);
      if (c.offset() != expected) {
        throw new IllegalArgumentException("chunk " + i + " starts at " + c.offset() + ", expected " + expected);
      }
      checkChunk(c.id(), c.length());
      c.id().copyTo(digests, i * DIGEST);
      lengths[i] = c.length();
      expected += c.length();
    }
    return new FileManifest(digests, lengths);
  }

  private static void checkChunk(Hash id, int length) {
    if (id.algorithm() != HashAlgorithm.SHA_256) {
      throw new IllegalArgumentException("chunk ids must be SHA-256");
    }
    if (length > ChunkingParams.MAXIMUM_MAX) {
      throw new IllegalArgumentException("chunk longer than " + ChunkingParams.MAXIMUM_MAX + " bytes");
    }
  }

  /** The manifest of the empty file. */
  public static FileManifest empty() {
    return new FileManifest(new byte[0], new int[0]);
  }

  /** The file id ({@code file:sha256:...}). */
  public ObjectId id() {
    return id;
  }

  /** File size in bytes (sum of chunk lengths). */
  public long size() {
    return size;
  }

  public int chunkCount() {
    return lengths.length;
  }

  /**
   * Chunk {@code index} with its offset in the file.
   *
   * @throws IndexOutOfBoundsException if there is no such chunk
   */
  public Chunk chunk(int index) {
    Objects.checkIndex(index, lengths.length);
    return new Chunk(offsets[index], lengths[index], chunkId(index));
  }

  /** All chunks in file order (an unmodifiable view). */
  public List<Chunk> chunks() {
    return new AbstractList<>() {
      @Override
      public Chunk get(int index) {
        return chunk(index);
      }

      @Override
      public int size() {
        return lengths.length;
      }
    };
  }

  /**
   * Proves that chunk {@code index} is part of this file, at its offset, with its length.
   *
   * @throws IndexOutOfBoundsException if there is no such chunk
   */
  public InclusionProof proveChunk(int index) {
    Objects.checkIndex(index, lengths.length);
    List<byte[]> path = Merkle.path(subtreeHeads(), index, lengths.length);
    return new InclusionProof(
        size, lengths.length, index, offsets[index], lengths[index],
        path.stream().map(p -> Hash.of(HashAlgorithm.SHA_256, p)).toList());
  }

  private Map<Long, byte[]> subtreeHeads() {
    Map<Long, byte[]> h = heads;
    if (h == null) {
      // Built on the first proof only: most manifests are never asked for one.
      h = Merkle.subtreeHeads(Merkle.sha256(), leaves(Merkle.sha256()));
      heads = h;
    }
    return h;
  }

  private Hash chunkId(int index) {
    return Hash.of(HashAlgorithm.SHA_256, Arrays.copyOfRange(digests, index * DIGEST, (index + 1) * DIGEST));
  }

  private byte[][] leaves(MessageDigest md) {
    byte[][] leaves = new byte[lengths.length][];
    for (int i = 0; i < lengths.length; i++) {
      leaves[i] = Merkle.leaf(md, offsets[i], lengths[i], digests, i * DIGEST);
    }
    return leaves;
  }

  private byte[] computeRoot() {
    MessageDigest md = ROOT_DIGEST.get();
    byte[][] leaves = leaves(md);
    byte[] head = Merkle.treeHead(md, leaves, 0, leaves.length);
    return Merkle.fileRoot(md, size, lengths.length, head);
  }

  /**
   * The canonical encoding: {@code u8 kind=2 || u8 version=1 || u8 hashAlg=1 || u32 count ||
   * count x (u32 length || 32-byte chunk id)}.
   */
  public byte[] encode() {
    Encoder e = new Encoder(7 + lengths.length * (4 + DIGEST));
    e.u8(ObjectKind.FILE.code()).u8(VERSION).u8(HashAlgorithm.SHA_256.code()).u32(lengths.length);
    for (int i = 0; i < lengths.length; i++) {
      e.u32(lengths[i]).bytes(digests, i * DIGEST, DIGEST);
    }
    return e.toByteArray();
  }

  /**
   * Decodes a manifest (not checking it against any id: see {@link #decode(byte[], ObjectId)}).
   *
   * @throws CorruptObjectException if the bytes are not a canonical version-1 manifest
   * @throws LimitExceededException if it lists more than {@link #MAX_CHUNKS} chunks
   */
  public static FileManifest decode(byte[] bytes) throws CorruptObjectException, LimitExceededException {
    Decoder d = new Decoder(bytes, "file manifest");
    int kind = d.u8();
    if (kind != ObjectKind.FILE.code()) {
      throw d.corrupt("kind " + kind + " is not a file manifest");
    }
    int version = d.u8();
    if (version != VERSION) {
      throw d.corrupt("unknown version " + version);
    }
    HashAlgorithm alg = HashAlgorithm.fromCode(d.u8());
    int count = d.u32();
    if (count > MAX_CHUNKS) {
      throw new LimitExceededException("file manifest lists " + count + " chunks, limit " + MAX_CHUNKS);
    }
    int entry = 4 + alg.length();
    if ((long) count * entry != d.remaining()) {
      throw d.corrupt("has " + d.remaining() + " bytes for " + count + " chunks");
    }
    if (alg != HashAlgorithm.SHA_256) {
      throw d.corrupt("chunk ids must be SHA-256");
    }
    byte[] digests = new byte[count * DIGEST];
    int[] lengths = new int[count];
    for (int i = 0; i < count; i++) {
      int len = d.u32();
      if (len == 0 || len > ChunkingParams.MAXIMUM_MAX) {
        throw d.corrupt("chunk " + i + " has length " + len);
      }
      lengths[i] = len;
      System.arraycopy(d.bytes(DIGEST), 0, digests, i * DIGEST, DIGEST);
    }
    d.end();
    return new FileManifest(digests, lengths);
  }

  /**
   * Decodes a manifest and checks that it is the one {@code expected} names.
   *
   * @throws HashMismatchException if the manifest decodes but its file id is not {@code expected}
   * @throws CorruptObjectException if the bytes are not a canonical manifest
   * @throws LimitExceededException if it lists more than {@link #MAX_CHUNKS} chunks
   */
  public static FileManifest decode(byte[] bytes, ObjectId expected)
      throws CorruptObjectException, HashMismatchException, LimitExceededException {
    if (expected.kind() != ObjectKind.FILE) {
      throw new IllegalArgumentException(expected + " is not a file id");
    }
    FileManifest m = decode(bytes);
    if (!m.id.equals(expected)) {
      throw new HashMismatchException("file manifest does not hash to " + expected);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileManifest other && other.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "FileManifest[" + id + ", size=" + size + ", chunks=" + lengths.length + "]";
  }
}
