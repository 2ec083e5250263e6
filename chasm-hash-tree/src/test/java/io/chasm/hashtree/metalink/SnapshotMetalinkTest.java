package io.chasm.hashtree.metalink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.Hex;
import io.chasm.api.PathNotFoundException;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SnapshotMetalink} and {@link MetalinkWriter} on a real published tree, the output parsed back as RFC 5854. */
class SnapshotMetalinkTest {
  static final int PIECE = 65_536;

  @TempDir Path tmp;
  Path tree;
  final Ed25519Signer key = Ed25519.generate();
  final List<MirrorUrl> mirrors = List.of(new MirrorUrl("http://a.example/debian/", "de", 1),
      new MirrorUrl("https://b.example/d", null, 0));

  @BeforeEach
  void publish() throws Exception {
    tree = tmp.resolve("tree");
    Files.createDirectories(tree.resolve("pool/main"));
    byte[] big = new byte[1_000_003];
    new Random(7).nextBytes(big);
    Files.write(tree.resolve("pool/main/big.iso"), big);
    Files.writeString(tree.resolve("pool/main/a&b <c> \"é\".txt"), "escaped name\n");
    Files.write(tree.resolve("empty"), new byte[0]);
    Files.createSymbolicLink(tree.resolve("link"), Path.of("empty"));
    try (TreeIndex index = TreeIndex.open(tree)) {
      index.update();
      index.publish("debian", Duration.ofDays(7), key);
    }
  }

  byte[] write(SnapshotMetalink.Result r) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    MetalinkWriter.write(b, r.files(), r.published(), "chasm test");
    return b.toByteArray();
  }

  @Test
  void wholeTree_parsesAsRfc5854_hashesAndPiecesMatchTheFiles() throws Exception {
    SnapshotMetalink.Result r = SnapshotMetalink.describe(tree, null, List.of(""), mirrors, PIECE);
    Meta4 m = Meta4.parse(write(r));
    assertThat(m.rootNamespace()).isEqualTo("urn:ietf:params:xml:ns:metalink");
    assertThat(m.rootName()).isEqualTo("metalink");
    assertThat(m.published()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(m.files()).containsOnlyKeys("pool/main/big.iso", "pool/main/a&b <c> \"é\".txt", "empty");
    for (var e : m.files().entrySet()) {
      byte[] bytes = Files.readAllBytes(tree.resolve(e.getKey()));
      Meta4.F f = e.getValue();
      assertThat(f.size()).isEqualTo(bytes.length);
      assertThat(f.hashType()).isEqualTo("sha-256");
      assertThat(f.sha256()).isEqualTo(sha256(bytes, 0, bytes.length));
      assertThat(f.pieces()).isEqualTo(pieces(bytes, PIECE));
      if (bytes.length > 0) {
        assertThat(f.pieceType()).isEqualTo("sha-256");
        assertThat(f.pieceLength()).isEqualTo(PIECE);
      }
      assertThat(f.priorities()).containsExactly("1", "");
      assertThat(f.locations()).containsExactly("de", "");
    }
    assertThat(m.files().get("pool/main/big.iso").pieces()).hasSize(16);
    assertThat(m.files().get("pool/main/a&b <c> \"é\".txt").urls()).containsExactly(
        "http://a.example/debian/pool/main/a%26b%20%3Cc%3E%20%22%C3%A9%22.txt",
        "https://b.example/d/pool/main/a%26b%20%3Cc%3E%20%22%C3%A9%22.txt");
    assertThat(r.hashed()).isEqualTo(3);
  }

  @Test
  void secondRun_readsNothing_cacheByContent() throws Exception {
    SnapshotMetalink.Result first = SnapshotMetalink.describe(tree, null, List.of(""), mirrors, PIECE);
    SnapshotMetalink.Result again = SnapshotMetalink.describe(tree, null, List.of(""), mirrors, PIECE);
    assertThat(again.hashed()).isZero();
    assertThat(write(again)).isEqualTo(write(first));
    assertThat(SnapshotMetalink.describe(tree, null, List.of(""), mirrors, PIECE * 2).hashed()).isEqualTo(3);
  }

  @Test
  void selectedPaths_onlyThose() throws Exception {
    SnapshotMetalink.Result r = SnapshotMetalink.describe(tree, null, List.of("pool/main/big.iso", "empty"), List.of(), PIECE);
    assertThat(r.files()).extracting(MetalinkFile::name).containsExactly("pool/main/big.iso", "empty");
    assertThat(SnapshotMetalink.describe(tree, null, List.of("pool"), List.of(), PIECE).files()).hasSize(2);
  }

  @Test
  void pathNotInSnapshot_orUnsafe_refused() {
    assertThatThrownBy(() -> SnapshotMetalink.describe(tree, null, List.of("pool/nope"), List.of(), PIECE))
        .isInstanceOf(PathNotFoundException.class).hasMessageContaining("'pool/nope' is not in snapshot #1");
    assertThatThrownBy(() -> SnapshotMetalink.describe(tree, null, List.of("link"), List.of(), PIECE))
        .isInstanceOf(PathNotFoundException.class);
    assertThatThrownBy(() -> SnapshotMetalink.describe(tree, null, List.of("pool/../x"), List.of(), PIECE))
        .isInstanceOf(VerificationException.class).hasMessageContaining("unsafe");
  }

  @Test
  void liveFileEditedSincePublish_refusedNotDescribedWrongly() throws Exception {
    byte[] b = Files.readAllBytes(tree.resolve("pool/main/big.iso"));
    b[500_000] ^= 1;
    Files.write(tree.resolve("pool/main/big.iso"), b);
    assertThatThrownBy(() -> SnapshotMetalink.describe(tree, null, List.of("pool/main/big.iso"), List.of(), PIECE))
        .isInstanceOf(VerificationException.class).hasMessageContaining("'pool/main/big.iso' changed since the snapshot");
    assertThat(Files.exists(StateLocation.of(tree).resolve(SnapshotMetalink.CACHE_FILE))).isFalse();
  }

  static String sha256(byte[] b, int off, int len) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(b, off, len);
    return Hex.encode(d.digest());
  }

  static List<String> pieces(byte[] b, int length) throws Exception {
    List<String> out = new ArrayList<>();
    for (int off = 0; off < b.length; off += length) {
      out.add(sha256(b, off, Math.min(length, b.length - off)));
    }
    return out;
  }

  @Test
  void mirrorList_parsesLines_refusesBadOnes() {
    assertThat(MirrorUrl.parseLine("  # comment")).isNull();
    assertThat(MirrorUrl.parseLine("")).isNull();
    assertThat(MirrorUrl.parseLine("http://m.example/x/ location=FR priority=3"))
        .isEqualTo(new MirrorUrl("http://m.example/x/", "FR", 3));
    for (String bad : List.of("file:///etc", "http://m/ colour=red", "http://m/ priority=x", "http://m/ location=FRA", "http://m/?q=1", "http://m/#x")) {
      assertThatThrownBy(() -> MirrorUrl.parseLine(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
