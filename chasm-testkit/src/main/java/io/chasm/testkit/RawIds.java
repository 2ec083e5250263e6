package io.chasm.testkit;

import com.google.protobuf.ByteString;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.trust.PublicKey;

/**
 * The byte encodings of ids and keys in protocol fields, written from SPEC §1 and §9.1 for tests:
 * a hash is {@code alg:u8 || digest}, an object id {@code kind:u8 || alg:u8 || digest}, a node key
 * {@code alg:u8 || raw key}.
 */
public final class RawIds {
  private RawIds() {}

  public static ByteString hash(Hash h) {
    byte[] b = new byte[1 + h.length()];
    b[0] = (byte) h.algorithm().code();
    h.copyTo(b, 1);
    return ByteString.copyFrom(b);
  }

  public static ByteString objectId(ObjectId id) {
    return ByteString.copyFrom(new byte[] {(byte) id.kind().code()}).concat(hash(id.hash()));
  }

  public static ByteString key(PublicKey key) {
    return ByteString.copyFrom(new byte[] {(byte) key.algorithm().code()}).concat(ByteString.copyFrom(key.raw()));
  }

  /**
   * Decodes an object id.
   *
   * @throws CorruptObjectException if the kind or algorithm is unknown or the length is wrong
   */
  public static ObjectId objectId(ByteString b) throws CorruptObjectException {
    if (b.size() < 2) {
      throw new CorruptObjectException("object id too short (" + b.size() + " bytes)");
    }
    ObjectKind kind = ObjectKind.fromCode(b.byteAt(0) & 0xff);
    HashAlgorithm alg = HashAlgorithm.fromCode(b.byteAt(1) & 0xff);
    if (b.size() != 2 + alg.length()) {
      throw new CorruptObjectException("object id must be " + (2 + alg.length()) + " bytes, got " + b.size());
    }
    return new ObjectId(kind, Hash.of(alg, b.substring(2).toByteArray()));
  }
}
