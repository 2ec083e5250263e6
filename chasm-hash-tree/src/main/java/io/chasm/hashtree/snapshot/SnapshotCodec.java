package io.chasm.hashtree.snapshot;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.ObjectId;
import io.chasm.api.trust.SignatureAlgorithm;
import io.chasm.hashtree.internal.Decoder;
import io.chasm.hashtree.internal.Encoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The binary layouts of {@code tck/SPEC.md} §5. */
final class SnapshotCodec {
  static final byte[] SNAPSHOT_MAGIC = {'C', 'H', 'S', 'N'};
  static final byte[] ENVELOPE_MAGIC = {'C', 'H', 'S', 'E'};
  static final int ENVELOPE_VERSION = 1;
  /** §5.8: more than this is not a snapshot but an attack on the decoder. */
  static final int MAX_SNAPSHOT_BYTES = 4096;
  static final int MAX_SIGNATURES = 16;

  private SnapshotCodec() {}

  static String originProblem(String origin) {
    byte[] b = origin.getBytes(StandardCharsets.UTF_8);
    if (b.length == 0 || b.length > Snapshot.MAX_ORIGIN_BYTES) {
      return "origin name must be 1.." + Snapshot.MAX_ORIGIN_BYTES + " UTF-8 bytes, got " + b.length;
    }
    for (int i = 0; i < origin.length(); i++) {
      char c = origin.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validSurrogateAt(origin, i)) {
        return "origin name must not contain control characters";
      }
    }
    return null;
  }

  private static boolean validSurrogateAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  static byte[] encode(Snapshot s) {
    Encoder e = new Encoder(160);
    e.bytes(SNAPSHOT_MAGIC).u8(Snapshot.FORMAT_VERSION);
    hash(e, s.rootTree().hash());
    if (s.previous().isPresent()) {
      hash(e.u8(1), s.previous().get().hash());
    } else {
      e.u8(0);
    }
    e.u64(s.sequence()).u64(s.created().getEpochSecond()).u64(s.expires().getEpochSecond());
    byte[] origin = s.origin().getBytes(StandardCharsets.UTF_8);
    e.u8(origin.length).bytes(origin);
    return e.u32(s.chunkMin()).u32(s.chunkAvg()).u32(s.chunkMax()).toByteArray();
  }

  static Snapshot decode(byte[] bytes) throws CorruptObjectException {
    Decoder d = new Decoder(bytes, "snapshot");
    expectMagic(d, SNAPSHOT_MAGIC);
    int version = d.u8();
    if (version != Snapshot.FORMAT_VERSION) {
      throw d.corrupt("unsupported format version " + version);
    }
    ObjectId root = ObjectId.tree(hash(d));
    int hasPrevious = d.u8();
    if (hasPrevious > 1) {
      throw d.corrupt("previous-present flag must be 0 or 1, got " + hasPrevious);
    }
    ObjectId previous = hasPrevious == 1 ? ObjectId.snapshot(hash(d)) : null;
    long sequence = d.u64();
    long created = d.u64();
    long expires = d.u64();
    String origin = utf8(d, d.u8());
    int min = d.u32();
    int avg = d.u32();
    int max = d.u32();
    d.end();
    Snapshot s;
    try {
      s = new Snapshot(root, previous, sequence, Instant.ofEpochSecond(created), Instant.ofEpochSecond(expires),
          origin, min, avg, max);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw d.corrupt(e.getMessage());
    }
    if (!Arrays.equals(s.encodedNoCopy(), bytes)) {
      throw d.corrupt("not in canonical form");
    }
    return s;
  }

  static byte[] encodeEnvelope(byte[] snapshot, List<SnapshotSignature> sigs) {
    Encoder e = new Encoder(snapshot.length + 16 + sigs.size() * 100);
    e.bytes(ENVELOPE_MAGIC).u8(ENVELOPE_VERSION).u32(snapshot.length).bytes(snapshot).u8(sigs.size());
    for (SnapshotSignature s : sigs) {
      hash(e.u8(s.algorithm().code()), s.keyId());
      e.bytes(s.signatureNoCopy());
    }
    return e.toByteArray();
  }

  /** Structure only: signatures are checked by {@link SnapshotVerifier}. */
  static SignedSnapshot decodeEnvelope(byte[] bytes) throws CorruptObjectException {
    Decoder d = new Decoder(bytes, "snapshot envelope");
    expectMagic(d, ENVELOPE_MAGIC);
    int version = d.u8();
    if (version != ENVELOPE_VERSION) {
      throw d.corrupt("unsupported version " + version);
    }
    int len = d.u32();
    if (len > MAX_SNAPSHOT_BYTES) {
      throw d.corrupt("snapshot of " + len + " bytes exceeds " + MAX_SNAPSHOT_BYTES);
    }
    Snapshot snapshot = decode(d.bytes(len));
    int count = d.u8();
    if (count < 1 || count > MAX_SIGNATURES) {
      throw d.corrupt("signature count must be 1.." + MAX_SIGNATURES + ", got " + count);
    }
    List<SnapshotSignature> sigs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SignatureAlgorithm alg = SignatureAlgorithm.fromCode(d.u8());
      Hash keyId = hash(d);
      SnapshotSignature s = new SnapshotSignature(alg, keyId, d.bytes(alg.signatureLength()));
      if (!sigs.isEmpty() && sigs.get(sigs.size() - 1).keyId().compareTo(keyId) >= 0) {
        throw d.corrupt("signatures not sorted by key id or duplicated");
      }
      sigs.add(s);
    }
    d.end();
    return new SignedSnapshot(snapshot, sigs, bytes.clone());
  }

  private static void hash(Encoder e, Hash h) {
    e.u8(h.algorithm().code()).bytes(h.bytes());
  }

  private static Hash hash(Decoder d) throws CorruptObjectException {
    HashAlgorithm alg = HashAlgorithm.fromCode(d.u8());
    return Hash.of(alg, d.bytes(alg.length()));
  }

  private static void expectMagic(Decoder d, byte[] magic) throws CorruptObjectException {
    if (!Arrays.equals(d.bytes(magic.length), magic)) {
      throw d.corrupt("bad magic");
    }
  }

  private static String utf8(Decoder d, int n) throws CorruptObjectException {
    byte[] b = d.bytes(n);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw d.corrupt("origin name is not valid UTF-8");
    }
  }
}
