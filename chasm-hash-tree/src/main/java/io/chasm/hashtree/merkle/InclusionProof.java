package io.chasm.hashtree.merkle;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.HashMismatchException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.hashtree.internal.Decoder;
import io.chasm.hashtree.internal.Encoder;
import io.chasm.hashtree.internal.Merkle;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;

/**
 * Proof that a chunk is part of a file at a given offset with a given length, checked against the
 * file id alone (tck/SPEC.md section 3): RFC 9162 audit path plus the file's size and chunk count,
 * which the file id commits to.
 *
 * <p>Produce one with {@link FileManifest#proveChunk(int)}; check one with {@link #verify}.
 *
 * @param fileSize size of the file in bytes
 * @param chunkCount number of chunks in the file
 * @param index the chunk's position in the file, {@code 0 <= index < chunkCount}
 * @param offset the chunk's byte offset in the file
 * @param length the chunk's length in bytes
 * @param path sibling hashes from the leaf up (RFC 9162 section 2.1.3.1)
 */
public record InclusionProof(
    long fileSize, int chunkCount, int index, long offset, int length, List<Hash> path) {
  /** Format version of {@link #encode()}. */
  public static final int VERSION = 1;

  /** A path never has more than 32 hashes (chunk counts are below 2^31). */
  public static final int MAX_PATH = 32;

  public InclusionProof {
    path = List.copyOf(path);
    if (path.size() > MAX_PATH) {
      throw new IllegalArgumentException("path longer than " + MAX_PATH);
    }
    if (fileSize < 0 || chunkCount < 0 || index < 0 || offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative field in inclusion proof");
    }
  }

  /**
   * Checks that a chunk with id {@code chunkId} is this proof's chunk of the file {@code fileId}.
   * The caller must also check that the chunk's bytes hash to {@code chunkId} and number {@link
   * #length()} (or use {@link #verifyData}).
   *
   * @throws HashMismatchException if the proof does not lead to {@code fileId}
   */
  public void verify(ObjectId fileId, Hash chunkId) throws HashMismatchException {
    Objects.requireNonNull(fileId, "fileId");
    Objects.requireNonNull(chunkId, "chunkId");
    if (fileId.kind() != ObjectKind.FILE
        || chunkId.algorithm() != HashAlgorithm.SHA_256
        || length == 0
        || offset + length > fileSize) {
      throw mismatch(fileId);
    }
    MessageDigest md = Merkle.sha256();
    byte[] leaf = Merkle.leaf(md, offset, length, chunkId.bytes());
    byte[] head = Merkle.headFromPath(md, leaf, index, chunkCount, path.stream().map(Hash::bytes).toList());
    if (head == null) {
      throw mismatch(fileId);
    }
    Hash root = Hash.of(HashAlgorithm.SHA_256, Merkle.fileRoot(md, fileSize, chunkCount, head));
    if (!root.equals(fileId.hash())) {
      throw mismatch(fileId);
    }
  }

  /**
   * Checks chunk bytes {@code data[off, off + len)} against this proof and {@code fileId}.
   *
   * @throws HashMismatchException if the bytes are not this proof's chunk of that file
   */
  public void verifyData(ObjectId fileId, byte[] data, int off, int len) throws HashMismatchException {
    Objects.checkFromIndexSize(off, len, data.length);
    if (len != length) {
      throw mismatch(fileId);
    }
    MessageDigest md = HashAlgorithm.SHA_256.newDigest();
    md.update(data, off, len);
    verify(fileId, Hash.of(HashAlgorithm.SHA_256, md.digest()));
  }

  private HashMismatchException mismatch(ObjectId fileId) {
    return new HashMismatchException("chunk " + index + " does not prove into " + fileId);
  }

  /**
   * {@code u8 version=1 || u8 hashAlg=1 || u64 fileSize || u32 chunkCount || u32 index || u64
   * offset || u32 length || u8 pathLength || pathLength x 32-byte hash}.
   */
  public byte[] encode() {
    Encoder e = new Encoder(32 + 32 * path.size());
    e.u8(VERSION).u8(HashAlgorithm.SHA_256.code()).u64(fileSize).u32(chunkCount).u32(index)
        .u64(offset).u32(length).u8(path.size());
    for (Hash h : path) {
      e.bytes(h.bytes());
    }
    return e.toByteArray();
  }

  /**
   * @throws CorruptObjectException if the bytes are not a canonical version-1 proof
   */
  public static InclusionProof decode(byte[] bytes) throws CorruptObjectException {
    Decoder d = new Decoder(bytes, "inclusion proof");
    int version = d.u8();
    if (version != VERSION) {
      throw d.corrupt("unknown version " + version);
    }
    HashAlgorithm alg = HashAlgorithm.fromCode(d.u8());
    long fileSize = d.u64();
    int chunkCount = d.u32();
    int index = d.u32();
    long offset = d.u64();
    int length = d.u32();
    int n = d.u8();
    if (n > MAX_PATH) {
      throw d.corrupt("path of " + n + " hashes");
    }
    Hash[] path = new Hash[n];
    for (int i = 0; i < n; i++) {
      path[i] = Hash.of(alg, d.bytes(alg.length()));
    }
    d.end();
    return new InclusionProof(fileSize, chunkCount, index, offset, length, List.of(path));
  }
}
