package io.chasm.hashtree.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.ExpiredSnapshotException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.RollbackException;
import io.chasm.api.SignatureException;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Clock NOW = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
  static final Ed25519Signer A = Ed25519.signer(seed(1));
  static final Ed25519Signer B = Ed25519.signer(seed(2));
  static final Ed25519Signer C = Ed25519.signer(seed(3));

  static byte[] seed(int n) {
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) n);
    return s;
  }

  static ObjectId root(String name) {
    return ObjectId.tree(Hash.sha256(name.getBytes(StandardCharsets.UTF_8)));
  }

  static Snapshot first() {
    return Snapshot.first("debian", root("r1")).createdAt(T0).expiresIn(Duration.ofDays(7)).build();
  }

  @Test
  void encode_decode_roundTripsAndIdIsStable() throws Exception {
    Snapshot s1 = first();
    Snapshot s2 = s1.next(root("r2")).createdAt(T0.plusSeconds(10)).build();
    assertThat(Snapshot.decode(s2.encode())).isEqualTo(s2);
    assertThat(s2.previous()).contains(s1.id());
    assertThat(s2.sequence()).isEqualTo(2);
    assertThat(s2.chunkAvg()).isEqualTo(64 * 1024);
    assertThat(s2.id()).isEqualTo(Snapshot.decode(s2.encode()).id());
    assertThat(s1.id()).isNotEqualTo(s2.id());
  }

  @Property(tries = 200)
  void encode_decode_property(
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE - 1) long seq,
      @ForAll @LongRange(min = 0, max = 1L << 40) long created,
      @ForAll @LongRange(min = 1, max = 1L << 40) long validity,
      @ForAll @StringLength(min = 1, max = 60) String origin,
      @ForAll @IntRange(min = 256, max = 1 << 20) int min)
      throws Exception {
    if (SnapshotCodec.originProblem(origin) != null) {
      return;
    }
    ObjectId prev = seq == 1 ? null : ObjectId.snapshot(Hash.sha256(new byte[] {1}));
    Snapshot s =
        new Snapshot(root(origin), prev, seq, Instant.ofEpochSecond(created), Instant.ofEpochSecond(created + validity),
            origin, min, min * 2, min * 4);
    byte[] enc = s.encode();
    Snapshot back = Snapshot.decode(enc);
    assertThat(back).isEqualTo(s);
    assertThat(back.origin()).isEqualTo(origin);
    assertThat(back.encode()).isEqualTo(enc);
    SignedSnapshot signed = SignedSnapshot.sign(s, A);
    assertThat(SignedSnapshot.decode(signed.encode()).snapshot()).isEqualTo(s);
  }

  @Test
  void verify_validSingleKey_returnsSnapshot() throws Exception {
    SignedSnapshot s = SignedSnapshot.sign(first(), A);
    Snapshot v = new SnapshotVerifier(TrustPolicy.single(A.publicKey()), NOW).verify(s.encode(), 0);
    assertThat(v).isEqualTo(first());
  }

  @Test
  void verify_everyFlippedBitOfEnvelope_typedFailure() throws Exception {
    byte[] env = SignedSnapshot.sign(first(), A, B).encode();
    SnapshotVerifier verifier = new SnapshotVerifier(TrustPolicy.of(List.of(A.publicKey(), B.publicKey()), 1), NOW);
    verifier.verify(env, 0);
    for (int bit = 0; bit < env.length * 8; bit++) {
      byte[] bad = env.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      int b = bit;
      assertThatThrownBy(() -> verifier.verify(bad, 0))
          .as("bit %d", b)
          .isInstanceOfAny(CorruptObjectException.class, SignatureException.class);
    }
  }

  @Test
  void verify_everyTruncation_corrupt() throws Exception {
    byte[] env = SignedSnapshot.sign(first(), A).encode();
    SnapshotVerifier verifier = new SnapshotVerifier(TrustPolicy.single(A.publicKey()), NOW);
    for (int len = 0; len < env.length; len++) {
      byte[] bad = Arrays.copyOf(env, len);
      assertThatThrownBy(() -> verifier.verify(bad, 0)).isInstanceOf(CorruptObjectException.class);
    }
    byte[] longer = Arrays.copyOf(env, env.length + 1);
    assertThatThrownBy(() -> verifier.verify(longer, 0)).isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void verify_unknownKey_signatureException() {
    byte[] env = SignedSnapshot.sign(first(), A, C).encode();
    SnapshotVerifier verifier = new SnapshotVerifier(TrustPolicy.single(A.publicKey()), NOW);
    assertThatThrownBy(() -> verifier.verify(env, 0))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("untrusted key " + C.publicKey().keyId());
  }

  @Test
  void verify_thresholdTwoOfThree() throws Exception {
    TrustPolicy p = TrustPolicy.of(List.of(A.publicKey(), B.publicKey(), C.publicKey()), 2);
    SnapshotVerifier verifier = new SnapshotVerifier(p, NOW);
    SignedSnapshot one = SignedSnapshot.sign(first(), A);
    assertThatThrownBy(() -> verifier.verify(one, 0))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("needs 2");
    SignedSnapshot two = one.withSignature(C);
    assertThat(verifier.verify(two.encode(), 0)).isEqualTo(first());
    assertThat(two.id()).isEqualTo(one.id());
    assertThatThrownBy(() -> two.withSignature(A)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_duplicateSignatureOfOneKey_rejectedAsCorrupt() {
    SignedSnapshot one = SignedSnapshot.sign(first(), A);
    byte[] env = one.encode();
    int sigLen = 1 + 33 + 64;
    byte[] doubled = Arrays.copyOf(env, env.length + sigLen);
    System.arraycopy(env, env.length - sigLen, doubled, env.length, sigLen);
    doubled[env.length - sigLen - 1] = 2; // signature count
    SnapshotVerifier verifier = new SnapshotVerifier(TrustPolicy.of(List.of(A.publicKey(), B.publicKey()), 2), NOW);
    assertThatThrownBy(() -> verifier.verify(doubled, 0)).isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void verify_rollbackAndReplay_rejected() throws Exception {
    Snapshot s1 = first();
    Snapshot s2 = s1.next(root("r2")).createdAt(T0).build();
    SnapshotVerifier verifier = new SnapshotVerifier(TrustPolicy.single(A.publicKey()), NOW);
    assertThat(verifier.verify(SignedSnapshot.sign(s2, A), 1).sequence()).isEqualTo(2);
    assertThatThrownBy(() -> verifier.verify(SignedSnapshot.sign(s2, A), 2)).isInstanceOf(RollbackException.class);
    assertThatThrownBy(() -> verifier.verify(SignedSnapshot.sign(s1, A), 2)).isInstanceOf(RollbackException.class);
  }

  @Test
  void verify_expired_rejectedAtAndAfterExpiry() throws Exception {
    SignedSnapshot s = SignedSnapshot.sign(first(), A);
    TrustPolicy p = TrustPolicy.single(A.publicKey());
    Instant expiry = first().expires();
    new SnapshotVerifier(p, Clock.fixed(expiry.minusSeconds(1), ZoneOffset.UTC)).verify(s, 0);
    assertThatThrownBy(() -> new SnapshotVerifier(p, Clock.fixed(expiry, ZoneOffset.UTC)).verify(s, 0))
        .isInstanceOf(ExpiredSnapshotException.class);
  }

  @Test
  void verify_badSignatureFromTrustedKeyFailsEvenAboveThreshold() throws Exception {
    byte[] env = SignedSnapshot.sign(first(), A, B).encode();
    env[env.length - 1] ^= 1;
    SnapshotVerifier verifier = new SnapshotVerifier(TrustPolicy.of(List.of(A.publicKey(), B.publicKey()), 1), NOW);
    assertThatThrownBy(() -> verifier.verify(env, 0)).isInstanceOf(SignatureException.class);
  }

  @Test
  void build_invalidFields_rejected() {
    assertThatThrownBy(() -> Snapshot.first("", root("x")).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Snapshot.first("a\nb", root("x")).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Snapshot.first("x".repeat(256), root("x")).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Snapshot.first("d", ObjectId.file(Hash.sha256(new byte[0]))).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Snapshot(root("x"), null, 1, T0, T0.plusSeconds(5), "d", 100, 50, 200))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void history_appendsAndReadsBack(@TempDir Path dir) throws Exception {
    SnapshotHistory h = SnapshotHistory.open(dir.resolve("snapshots"));
    assertThat(h.latest()).isEmpty();
    Snapshot s1 = first();
    Snapshot s2 = s1.next(root("r2")).createdAt(T0).build();
    h.append(SignedSnapshot.sign(s1, A));
    h.append(SignedSnapshot.sign(s2, A));
    assertThat(h.sequences()).containsExactly(1L, 2L);
    assertThat(h.latest().orElseThrow().snapshot()).isEqualTo(s2);
    assertThat(h.get(1).orElseThrow().snapshot()).isEqualTo(s1);
    assertThatThrownBy(() -> h.append(SignedSnapshot.sign(s1, A))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void verificationExceptionsAreChecked() {
    assertThat(VerificationException.class).isAssignableTo(Exception.class);
  }
}
