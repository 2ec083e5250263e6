package io.chasm.hashtree.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.ExpiredSnapshotException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.RollbackException;
import io.chasm.api.SignatureException;
import io.chasm.api.VerificationException;
import io.chasm.api.Hex;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Produces {@code tck/vectors/snapshot.json} and checks the Java code against it: the file must
 * equal what this code derives, so a format change shows up as a vector diff. Regenerate with
 * {@code -Dchasm.writeVectors=true}. {@code tck/check_vectors.py} re-derives every entry without
 * Java.
 */
class SnapshotVectorsTest {
  static final Path FILE = Path.of("..", "tck", "vectors", "snapshot.json");

  /** Private key seeds of RFC 8032 §7.1 TEST 1, 2 and 3 (fixed, public test keys). */
  static final List<Ed25519Signer> KEYS =
      List.of(
          Ed25519.signer(Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")),
          Ed25519.signer(Hex.decode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")),
          Ed25519.signer(Hex.decode("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7")));

  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  record Case(String name, byte[] envelope, int[] keys, int threshold, long now, long lastAccepted, String error) {}

  static Snapshot first() {
    return Snapshot.first("debian", ObjectId.tree(Hash.sha256("root-1".getBytes(StandardCharsets.UTF_8))))
        .createdAt(T0)
        .expiresIn(Duration.ofDays(7))
        .build();
  }

  static Snapshot second() {
    return first()
        .next(ObjectId.tree(Hash.sha256("root-2".getBytes(StandardCharsets.UTF_8))))
        .createdAt(T0.plusSeconds(3600))
        .expiresIn(Duration.ofDays(1))
        .chunking(new io.chasm.hashtree.chunk.ChunkingParams(8192, 32768, 131072))
        .build();
  }

  static List<Case> cases() {
    long now1 = T0.getEpochSecond() + 60;
    long now2 = T0.getEpochSecond() + 3660;
    byte[] e1 = SignedSnapshot.sign(first(), KEYS.get(0)).encode();
    byte[] e2 = SignedSnapshot.sign(second(), KEYS.get(0), KEYS.get(2)).encode();
    List<Case> c = new ArrayList<>();
    c.add(new Case("first-1-of-1", e1, new int[] {0}, 1, now1, 0, null));
    c.add(new Case("second-2-of-3", e2, new int[] {0, 1, 2}, 2, now2, 1, null));
    c.add(new Case("second-1-of-3", e2, new int[] {0, 1, 2}, 1, now2, 1, null));
    // Must-reject cases.
    c.add(new Case("created-bit-flipped", flip(e1, 9 + 39 + 8 + 7), new int[] {0}, 1, now1, 0, "signature"));
    c.add(new Case("signature-bit-flipped", flip(e1, e1.length - 1), new int[] {0}, 1, now1, 0, "signature"));
    c.add(new Case("unknown-key", SignedSnapshot.sign(first(), KEYS.get(1)).encode(), new int[] {0}, 1, now1, 0, "signature"));
    c.add(new Case("below-threshold", SignedSnapshot.sign(second(), KEYS.get(1)).encode(), new int[] {0, 1, 2}, 2, now2, 1, "signature"));
    c.add(new Case("rollback-replay", e2, new int[] {0, 1, 2}, 2, now2, 2, "rollback"));
    c.add(new Case("rollback-older", e1, new int[] {0}, 1, now1, 5, "rollback"));
    c.add(new Case("expired-at-expiry", e1, new int[] {0}, 1, first().expires().getEpochSecond(), 0, "expired"));
    c.add(new Case("truncated", Arrays.copyOf(e1, e1.length - 1), new int[] {0}, 1, now1, 0, "corrupt"));
    c.add(new Case("trailing-byte", Arrays.copyOf(e1, e1.length + 1), new int[] {0}, 1, now1, 0, "corrupt"));
    c.add(new Case("envelope-version-2", set(e1, 4, 2), new int[] {0}, 1, now1, 0, "corrupt"));
    c.add(new Case("snapshot-version-2", set(e1, 9 + 4, 2), new int[] {0}, 1, now1, 0, "corrupt"));
    c.add(new Case("previous-flag-2", set(e1, 9 + 5 + 33, 2), new int[] {0}, 1, now1, 0, "corrupt"));
    c.add(new Case("no-signatures", noSignatures(e1), new int[] {0}, 1, now1, 0, "corrupt"));
    c.add(new Case("signatures-unsorted", swapSignatures(e2), new int[] {0, 1, 2}, 2, now2, 1, "corrupt"));
    return c;
  }

  static byte[] flip(byte[] b, int index) {
    byte[] c = b.clone();
    c[index] ^= 1;
    return c;
  }

  static byte[] set(byte[] b, int index, int value) {
    byte[] c = b.clone();
    c[index] = (byte) value;
    return c;
  }

  static byte[] noSignatures(byte[] env) {
    byte[] c = Arrays.copyOf(env, env.length - 98);
    c[c.length - 1] = 0;
    return c;
  }

  static byte[] swapSignatures(byte[] env) {
    int n = env.length;
    byte[] c = env.clone();
    System.arraycopy(env, n - 98, c, n - 196, 98);
    System.arraycopy(env, n - 196, c, n - 98, 98);
    return c;
  }

  static String json() {
    StringBuilder j = new StringBuilder();
    j.append("{\n");
    j.append("  \"description\": \"Snapshot encoding, ids, Ed25519 envelopes and verification outcomes (tck/SPEC.md section 5). Generated by SnapshotVectorsTest; re-derived by tck/check_vectors.py.\",\n");
    j.append("  \"keys_source\": \"private key seeds of RFC 8032 section 7.1 TEST 1, 2, 3\",\n");
    j.append("  \"keys\": [\n");
    for (int i = 0; i < KEYS.size(); i++) {
      PublicKey k = KEYS.get(i).publicKey();
      j.append("    {\"public\": \"").append(Hex.encode(k.raw())).append("\", \"key_id\": \"").append(k.keyId()).append("\"}");
      j.append(i + 1 < KEYS.size() ? ",\n" : "\n");
    }
    j.append("  ],\n");
    j.append("  \"snapshots\": [\n");
    Snapshot[] snaps = {first(), second()};
    for (int i = 0; i < snaps.length; i++) {
      Snapshot s = snaps[i];
      j.append("    {\"bytes\": \"").append(Hex.encode(s.encode())).append("\", \"id\": \"").append(s.id().hash()).append("\",\n");
      j.append("     \"fields\": {\"root\": \"").append(s.rootTree().hash()).append("\", \"previous\": ")
          .append(s.previous().map(p -> "\"" + p.hash() + "\"").orElse("null"))
          .append(", \"sequence\": ").append(s.sequence())
          .append(", \"created\": ").append(s.created().getEpochSecond())
          .append(", \"expires\": ").append(s.expires().getEpochSecond())
          .append(", \"origin\": \"").append(s.origin()).append("\"")
          .append(", \"chunk_min\": ").append(s.chunkMin())
          .append(", \"chunk_avg\": ").append(s.chunkAvg())
          .append(", \"chunk_max\": ").append(s.chunkMax()).append("}}");
      j.append(i + 1 < snaps.length ? ",\n" : "\n");
    }
    j.append("  ],\n");
    j.append("  \"cases\": [\n");
    List<Case> cs = cases();
    for (int i = 0; i < cs.size(); i++) {
      Case c = cs.get(i);
      j.append("    {\"name\": \"").append(c.name()).append("\", \"trusted\": ").append(Arrays.toString(c.keys()))
          .append(", \"threshold\": ").append(c.threshold())
          .append(", \"now\": ").append(c.now())
          .append(", \"last_accepted\": ").append(c.lastAccepted())
          .append(", \"expect\": ").append(c.error() == null ? "\"accept\"" : "\"" + c.error() + "\"")
          .append(",\n     \"envelope\": \"").append(Hex.encode(c.envelope())).append("\"}");
      j.append(i + 1 < cs.size() ? ",\n" : "\n");
    }
    j.append("  ]\n}\n");
    return j.toString();
  }

  @Test
  void vectorsFile_matchesThisImplementation() throws Exception {
    String expected = json();
    if (Boolean.getBoolean("chasm.writeVectors")) {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, expected);
    }
    assertThat(Files.readString(FILE)).isEqualTo(expected);
  }

  @Test
  void everyCase_hasItsOutcome() throws Exception {
    Map<String, Class<? extends VerificationException>> types =
        Map.of(
            "corrupt", CorruptObjectException.class,
            "signature", SignatureException.class,
            "rollback", RollbackException.class,
            "expired", ExpiredSnapshotException.class);
    for (Case c : cases()) {
      List<PublicKey> trusted = new ArrayList<>();
      for (int k : c.keys()) {
        trusted.add(KEYS.get(k).publicKey());
      }
      SnapshotVerifier v =
          new SnapshotVerifier(
              TrustPolicy.of(trusted, c.threshold()), Clock.fixed(Instant.ofEpochSecond(c.now()), ZoneOffset.UTC));
      if (c.error() != null && !types.containsKey(c.error())) {
        fail("unknown outcome " + c.error());
      }
      if (c.error() == null) {
        assertThat(v.verify(c.envelope(), c.lastAccepted())).as(c.name()).isNotNull();
      } else {
        assertThatThrownBy(() -> v.verify(c.envelope(), c.lastAccepted()))
            .as(c.name())
            .isExactlyInstanceOf(types.get(c.error()));
      }
    }
  }
}
