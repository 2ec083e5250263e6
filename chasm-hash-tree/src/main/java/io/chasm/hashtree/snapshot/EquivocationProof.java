package io.chasm.hashtree.snapshot;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.TrustPolicy;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;

/**
 * Proof that an origin key equivocated: two signed snapshots of one origin with one sequence and
 * different root trees (SPEC §14). Anyone holding the origin's public key can check it offline.
 * The file format is canonical, so every node that finds the same pair writes the same bytes:
 *
 * <pre>
 *   "CHASMEQV" || version:u8 (= 1) || len_a:u32 || envelope_a || len_b:u32 || envelope_b
 * </pre>
 *
 * (big-endian lengths; the two signed envelopes as signed, the one with the smaller snapshot id
 * (its digest compared as unsigned bytes) first; nothing after). Immutable.
 */
public final class EquivocationProof {
  public static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "CHASMEQV".getBytes(StandardCharsets.US_ASCII);
  /** Envelopes are small (a few hundred bytes per signature); this bounds what decode allocates. */
  private static final int MAX_ENVELOPE = 1 << 20;

  private final SignedSnapshot a;
  private final SignedSnapshot b;

  private EquivocationProof(SignedSnapshot a, SignedSnapshot b) {
    this.a = a;
    this.b = b;
  }

  /**
   * The proof made of {@code x} and {@code y}, if they conflict: same origin, same sequence,
   * different root trees. Signatures are not checked here (see {@link #verify}).
   */
  public static Optional<EquivocationProof> of(SignedSnapshot x, SignedSnapshot y) {
    Snapshot s = x.snapshot();
    Snapshot t = y.snapshot();
    if (!s.origin().equals(t.origin()) || s.sequence() != t.sequence() || s.rootTree().equals(t.rootTree())) {
      return Optional.empty();
    }
    boolean xFirst = x.id().compareTo(y.id()) < 0;
    return Optional.of(xFirst ? new EquivocationProof(x, y) : new EquivocationProof(y, x));
  }

  public SignedSnapshot first() {
    return a;
  }

  public SignedSnapshot second() {
    return b;
  }

  public String origin() {
    return a.snapshot().origin();
  }

  public long sequence() {
    return a.snapshot().sequence();
  }

  /**
   * Checks that both envelopes are signed as {@code trust} requires (keys and threshold). Expiry
   * is not checked: a conflict stays a conflict after both snapshots have expired.
   *
   * @throws io.chasm.api.SignatureException if either envelope is not validly signed
   */
  public void verify(TrustPolicy trust) throws VerificationException {
    for (SignedSnapshot s : new SignedSnapshot[] {a, b}) {
      new SnapshotVerifier(trust, Clock.fixed(s.snapshot().created(), ZoneOffset.UTC)).verify(s, SnapshotVerifier.NONE_ACCEPTED);
    }
  }

  public byte[] encode() {
    byte[] ea = a.encode();
    byte[] eb = b.encode();
    ByteArrayOutputStream out = new ByteArrayOutputStream(MAGIC.length + 9 + ea.length + eb.length);
    out.writeBytes(MAGIC);
    out.write(FORMAT_VERSION);
    out.writeBytes(ByteBuffer.allocate(4).putInt(ea.length).array());
    out.writeBytes(ea);
    out.writeBytes(ByteBuffer.allocate(4).putInt(eb.length).array());
    out.writeBytes(eb);
    return out.toByteArray();
  }

  /**
   * Decodes a proof file strictly: magic, version, both envelopes, canonical order, nothing after,
   * and the two snapshots in conflict.
   *
   * @throws CorruptObjectException if the bytes are not such a proof
   */
  public static EquivocationProof decode(byte[] bytes) throws CorruptObjectException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length < MAGIC.length + 1 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new CorruptObjectException("not an equivocation proof (no CHASMEQV header)");
    }
    in.position(MAGIC.length);
    int version = in.get() & 0xff;
    if (version != FORMAT_VERSION) {
      throw new CorruptObjectException("equivocation proof version " + version + " is not supported (only " + FORMAT_VERSION + ")");
    }
    SignedSnapshot x = SignedSnapshot.decode(envelope(in));
    SignedSnapshot y = SignedSnapshot.decode(envelope(in));
    if (in.hasRemaining()) {
      throw new CorruptObjectException(in.remaining() + " bytes after the second envelope of an equivocation proof");
    }
    EquivocationProof p = of(x, y).orElseThrow(() -> new CorruptObjectException(
        "not an equivocation: the two snapshots differ in origin or sequence, or have the same root"));
    if (p.a != x) {
      throw new CorruptObjectException("equivocation proof envelopes are not in canonical order");
    }
    return p;
  }

  private static byte[] envelope(ByteBuffer in) throws CorruptObjectException {
    if (in.remaining() < 4) {
      throw new CorruptObjectException("equivocation proof truncated before an envelope length");
    }
    int n = in.getInt();
    if (n <= 0 || n > MAX_ENVELOPE || n > in.remaining()) {
      throw new CorruptObjectException("equivocation proof envelope length " + Integer.toUnsignedString(n) + " is out of range");
    }
    byte[] e = new byte[n];
    in.get(e);
    return e;
  }
}
