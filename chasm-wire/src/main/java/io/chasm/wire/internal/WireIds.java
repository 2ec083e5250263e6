package io.chasm.wire.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureAlgorithm;

/**
 * The byte encodings of ids and keys in protocol fields (SPEC §1, §9.1): a hash is {@code
 * alg:u8 || digest}, an object id {@code kind:u8 || alg:u8 || digest}, a node key {@code alg:u8
 * || raw key}. Decoding is strict: a wrong length or unknown code is a {@link
 * CorruptObjectException}.
 */
public final class WireIds {
  private WireIds() {}

  public static ByteString hash(Hash h) {
    byte[] b = new byte[1 + h.length()];
    b[0] = (byte) h.algorithm().code();
    h.copyTo(b, 1);
    return UnsafeByteOperations.unsafeWrap(b);
  }

  public static Hash hash(ByteString b) throws CorruptObjectException {
    if (b.isEmpty()) {
      throw new CorruptObjectException("empty hash");
    }
    HashAlgorithm alg = HashAlgorithm.fromCode(b.byteAt(0) & 0xff);
    if (b.size() != 1 + alg.length()) {
      throw new CorruptObjectException(
          alg.label() + " hash must be " + (1 + alg.length()) + " bytes encoded, got " + b.size());
    }
    return Hash.of(alg, b.substring(1).toByteArray());
  }

  public static ByteString objectId(ObjectId id) {
    Hash h = id.hash();
    byte[] b = new byte[2 + h.length()];
    b[0] = (byte) id.kind().code();
    b[1] = (byte) h.algorithm().code();
    h.copyTo(b, 2);
    return UnsafeByteOperations.unsafeWrap(b);
  }

  public static ObjectId objectId(ByteString b) throws CorruptObjectException {
    if (b.size() < 2) {
      throw new CorruptObjectException("object id too short (" + b.size() + " bytes)");
    }
    ObjectKind kind = ObjectKind.fromCode(b.byteAt(0) & 0xff);
    return new ObjectId(kind, hash(b.substring(1)));
  }

  public static ByteString key(PublicKey key) {
    byte[] raw = key.raw();
    byte[] b = new byte[1 + raw.length];
    b[0] = (byte) key.algorithm().code();
    System.arraycopy(raw, 0, b, 1, raw.length);
    return UnsafeByteOperations.unsafeWrap(b);
  }

  public static PublicKey key(ByteString b) throws CorruptObjectException {
    if (b.isEmpty()) {
      throw new CorruptObjectException("empty node key");
    }
    SignatureAlgorithm alg = SignatureAlgorithm.fromCode(b.byteAt(0) & 0xff);
    if (b.size() != 1 + alg.publicKeyLength()) {
      throw new CorruptObjectException(
          alg.label() + " node key must be " + (1 + alg.publicKeyLength()) + " bytes encoded, got " + b.size());
    }
    return PublicKey.of(alg, b.substring(1).toByteArray());
  }
}
