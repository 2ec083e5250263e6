package io.chasm.hashtree.snapshot;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.ObjectId;
import io.chasm.api.trust.SignatureAlgorithm;
import java.io.ByteArrayOutputStream;
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
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    out.writeBytes(SNAPSHOT_MAGIC);
    out.write(Snapshot.FORMAT_VERSION);
    writeHash(out, s.rootTree().hash());
    if (s.previous().isPresent()) {
      out.write(1);
      writeHash(out, s.previous().get().hash());
    } else {
      out.write(0);
    }
    writeLong(out, s.sequence());
    writeLong(out, s.created().getEpochSecond());
    writeLong(out, s.expires().getEpochSecond());
    byte[] origin = s.origin().getBytes(StandardCharsets.UTF_8);
    out.write(origin.length);
    out.writeBytes(origin);
    writeInt(out, s.chunkMin());
    writeInt(out, s.chunkAvg());
    writeInt(out, s.chunkMax());
    return out.toByteArray();
  }

  static Snapshot decode(byte[] bytes) throws CorruptObjectException {
    Reader r = new Reader(bytes, "snapshot");
    r.expectMagic(SNAPSHOT_MAGIC);
    int version = r.u8();
    if (version != Snapshot.FORMAT_VERSION) {
      throw new CorruptObjectException("unsupported snapshot format version " + version);
    }
    ObjectId root = ObjectId.tree(r.hash());
    int hasPrevious = r.u8();
    ObjectId previous;
    if (hasPrevious == 0) {
      previous = null;
    } else if (hasPrevious == 1) {
      previous = ObjectId.snapshot(r.hash());
    } else {
      throw new CorruptObjectException("snapshot: previous-present flag must be 0 or 1, got " + hasPrevious);
    }
    long sequence = r.u63("sequence");
    long created = r.u63("creation time");
    long expires = r.u63("expiry time");
    int originLen = r.u8();
    String origin = r.utf8(originLen);
    int min = r.u32AsInt("chunk min");
    int avg = r.u32AsInt("chunk avg");
    int max = r.u32AsInt("chunk max");
    r.expectEnd();
    Snapshot s;
    try {
      s = new Snapshot(root, previous, sequence, Instant.ofEpochSecond(created), Instant.ofEpochSecond(expires),
          origin, min, avg, max);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new CorruptObjectException("snapshot: " + e.getMessage());
    }
    if (!Arrays.equals(s.encodedNoCopy(), bytes)) {
      throw new CorruptObjectException("snapshot: not in canonical form");
    }
    return s;
  }

  static byte[] encodeEnvelope(byte[] snapshot, List<SnapshotSignature> sigs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(snapshot.length + 16 + sigs.size() * 100);
    out.writeBytes(ENVELOPE_MAGIC);
    out.write(ENVELOPE_VERSION);
    writeInt(out, snapshot.length);
    out.writeBytes(snapshot);
    out.write(sigs.size());
    for (SnapshotSignature s : sigs) {
      out.write(s.algorithm().code());
      writeHash(out, s.keyId());
      out.writeBytes(s.signatureNoCopy());
    }
    return out.toByteArray();
  }

  /** Structure only: signatures are checked by {@link SnapshotVerifier}. */
  static SignedSnapshot decodeEnvelope(byte[] bytes) throws CorruptObjectException {
    Reader r = new Reader(bytes, "snapshot envelope");
    r.expectMagic(ENVELOPE_MAGIC);
    int version = r.u8();
    if (version != ENVELOPE_VERSION) {
      throw new CorruptObjectException("unsupported snapshot envelope version " + version);
    }
    long len = r.u32();
    if (len > MAX_SNAPSHOT_BYTES) {
      throw new CorruptObjectException("snapshot envelope: snapshot of " + len + " bytes exceeds " + MAX_SNAPSHOT_BYTES);
    }
    byte[] snapshotBytes = r.bytes((int) len);
    Snapshot snapshot = decode(snapshotBytes);
    int count = r.u8();
    if (count < 1 || count > MAX_SIGNATURES) {
      throw new CorruptObjectException("snapshot envelope: signature count must be 1.." + MAX_SIGNATURES + ", got " + count);
    }
    List<SnapshotSignature> sigs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SignatureAlgorithm alg = SignatureAlgorithm.fromCode(r.u8());
      Hash keyId = r.hash();
      byte[] sig = r.bytes(alg.signatureLength());
      SnapshotSignature s = new SnapshotSignature(alg, keyId, sig);
      if (!sigs.isEmpty() && sigs.get(sigs.size() - 1).keyId().compareTo(keyId) >= 0) {
        throw new CorruptObjectException("snapshot envelope: signatures not sorted by key id or duplicated");
      }
      sigs.add(s);
    }
    r.expectEnd();
    return new SignedSnapshot(snapshot, sigs, bytes.clone());
  }

  private static void writeHash(ByteArrayOutputStream out, Hash h) {
    out.write(h.algorithm().code());
    out.writeBytes(h.bytes());
  }

  private static void writeLong(ByteArrayOutputStream out, long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.write(v >>> shift);
    }
  }

  /** Bounds-checked reads that fail with {@link CorruptObjectException}. */
  private static final class Reader {
    private final ByteBuffer buf;
    private final String what;

    Reader(byte[] bytes, String what) {
      this.buf = ByteBuffer.wrap(bytes);
      this.what = what;
    }

    private void need(int n) throws CorruptObjectException {
      if (buf.remaining() < n) {
        throw new CorruptObjectException(what + ": truncated at byte " + buf.position());
      }
    }

    void expectMagic(byte[] magic) throws CorruptObjectException {
      need(magic.length);
      byte[] got = new byte[magic.length];
      buf.get(got);
      if (!Arrays.equals(got, magic)) {
        throw new CorruptObjectException(what + ": bad magic");
      }
    }

    int u8() throws CorruptObjectException {
      need(1);
      return buf.get() & 0xff;
    }

    long u32() throws CorruptObjectException {
      need(4);
      return buf.getInt() & 0xffffffffL;
    }

    int u32AsInt(String field) throws CorruptObjectException {
      long v = u32();
      if (v > Integer.MAX_VALUE) {
        throw new CorruptObjectException(what + ": " + field + " out of range");
      }
      return (int) v;
    }

    long u63(String field) throws CorruptObjectException {
      need(8);
      long v = buf.getLong();
      if (v < 0) {
        throw new CorruptObjectException(what + ": " + field + " out of range");
      }
      return v;
    }

    byte[] bytes(int n) throws CorruptObjectException {
      need(n);
      byte[] b = new byte[n];
      buf.get(b);
      return b;
    }

    Hash hash() throws CorruptObjectException {
      HashAlgorithm alg = HashAlgorithm.fromCode(u8());
      return Hash.of(alg, bytes(alg.length()));
    }

    String utf8(int n) throws CorruptObjectException {
      byte[] b = bytes(n);
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b))
            .toString();
      } catch (CharacterCodingException e) {
        throw new CorruptObjectException(what + ": origin name is not valid UTF-8");
      }
    }

    void expectEnd() throws CorruptObjectException {
      if (buf.hasRemaining()) {
        throw new CorruptObjectException(what + ": " + buf.remaining() + " trailing bytes");
      }
    }
  }
}
