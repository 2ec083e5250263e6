package io.chasm.wire.get;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.PathNotFoundException;
import io.chasm.api.UnsafePathException;
import io.chasm.api.VerificationException;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.serve.PublishedTree;
import io.chasm.wire.serve.TreeServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link VerifiedDownload} against real peers on loopback, honest and hostile. */
@Timeout(120)
class VerifiedDownloadTest {
  static final URI ANY_PORT = URI.create("tcp://127.0.0.1:0");
  static final String BIG = "pool/main/b/big/big_1.0.bin";

  @TempDir Path tmp;
  Origin origin;
  Path tree;
  Path out;
  TreeServer honest;
  PublishedTree hostileTree;
  PeerServer hostile;

  @BeforeEach
  void publish() throws Exception {
    origin = Origin.create(tmp);
    tree = tmp.resolve("origin");
    Files.createDirectories(tree.resolve("pool/main/b/big"));
    Files.write(tree.resolve(BIG), Trees.random(3, 2_000_000));
    Trees.write(tree.resolve("README"), "hello\n");
    Files.createSymbolicLink(tree.resolve("latest"), Path.of(BIG));
    Files.createDirectories(tmp.resolve("out"));
    out = tmp.resolve("out/file");
    origin.publish(tree, "demo");
    honest = TreeServer.start(tree, List.of(ANY_PORT));
  }

  @AfterEach
  void stop() throws IOException {
    honest.close();
    if (hostile != null) {
      hostile.close();
    }
    if (hostileTree != null) {
      hostileTree.close();
    }
  }

  URI honestUri() {
    return honest.uris().get(0);
  }

  /** A peer serving the same tree through {@code tamper}. */
  URI hostile(java.util.function.Function<PublishedTree, RepositoryBackend> tamper) throws Exception {
    hostileTree = PublishedTree.open(tree, Set.of("default"));
    hostile = PeerServer.builder(tamper.apply(hostileTree)).build();
    return hostile.listen(ANY_PORT);
  }

  VerifiedDownload from(URI... sources) {
    return VerifiedDownload.from(sources).trust(origin.trust());
  }

  @Test
  void honestAndFlippingPeer_fileIsCorrect_flipperRefusedWithEvidence() throws Exception {
    URI flipper = hostile(FlippingChunks::new);
    Download d = from(flipper, honestUri()).get(BIG, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tree.resolve(BIG)));
    assertThat(d.size()).isEqualTo(2_000_000);
    assertThat(d.sequence()).isEqualTo(1);
    assertThat(d.dropped()).anySatisfy(x -> assertThat(x).startsWith(flipper.toString()).contains("refused")
        .contains("HashMismatchException").contains("does not match"));
    assertThat(d.bytesBySource()).containsOnlyKeys(honestUri().toString());
    assertThat(d.bytesBySource().get(honestUri().toString())).isEqualTo(2_000_000L);
    assertThat(leftovers()).containsExactly("file");
  }

  @Test
  void twoHonestPeers_bothDeliver() throws Exception {
    try (TreeServer second = TreeServer.start(tree, List.of(ANY_PORT))) {
      Download d = from(honestUri(), second.uris().get(0)).repository("demo").get(BIG, out);
      assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tree.resolve(BIG)));
      assertThat(d.dropped()).isEmpty();
      assertThat(d.bytesBySource()).hasSize(2).allSatisfy((k, v) -> assertThat(v).isPositive());
    }
  }

  @Test
  void smallFile_keepsItsModeAndTime() throws Exception {
    Download d = from(honestUri()).get("README", out);
    assertThat(Files.readString(out)).isEqualTo("hello\n");
    assertThat(Files.getLastModifiedTime(out)).isEqualTo(Files.getLastModifiedTime(tree.resolve("README")));
    assertThat(d.fileId().kind()).isEqualTo(ObjectKind.FILE);
  }

  @Test
  void pathNotInTree_clearError_nothingWritten() throws Exception {
    Files.writeString(out, "old");
    assertThatThrownBy(() -> from(honestUri()).get("pool/main/b/nope.deb", out))
        .isInstanceOf(PathNotFoundException.class).hasMessageContaining("'pool/main/b/nope.deb' is not in snapshot #1");
    assertThatThrownBy(() -> from(honestUri()).get("pool/main", out))
        .isInstanceOf(PathNotFoundException.class).hasMessageContaining("is a directory");
    assertThatThrownBy(() -> from(honestUri()).get("README/x", out))
        .isInstanceOf(PathNotFoundException.class).hasMessageContaining("'README' is a file");
    assertThatThrownBy(() -> from(honestUri()).get("latest", out))
        .isInstanceOf(PathNotFoundException.class).hasMessageContaining("symlink");
    assertThat(Files.readString(out)).isEqualTo("old");
    assertThat(leftovers()).containsExactly("file");
  }

  @Test
  void tamperedTreeObject_onlySource_refused_nothingWritten() throws Exception {
    URI tamperer = hostile(TamperedTrees::new);
    assertThatThrownBy(() -> from(tamperer).get(BIG, out))
        .isInstanceOf(VerificationException.class).hasMessageContaining(tamperer.toString());
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void tamperedTreeObject_withHonestPeer_refusedAndFetchedElsewhere() throws Exception {
    URI tamperer = hostile(TamperedTrees::new);
    Download d = from(tamperer, honestUri()).get(BIG, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tree.resolve(BIG)));
    assertThat(d.dropped()).anySatisfy(x -> assertThat(x).startsWith(tamperer.toString()).contains("refused"));
  }

  @Test
  void untrustedKey_refused() throws Exception {
    Origin other = Origin.create(Files.createDirectories(tmp.resolve("other")));
    assertThatThrownBy(() -> VerifiedDownload.from(honestUri()).trust(other.trust()).get(BIG, out))
        .isInstanceOf(VerificationException.class);
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void unsafePaths_refusedBeforeAnySourceIsAsked() {
    URI nobody = URI.create("tcp://127.0.0.1:1");
    for (String p : List.of("../etc/passwd", "pool/../../x", "/etc/passwd", "pool//a", "./README", "")) {
      assertThatThrownBy(() -> from(nobody).get(p, out)).as(p).isInstanceOf(UnsafePathException.class);
    }
  }

  List<String> leftovers() throws IOException {
    try (Stream<Path> s = Files.list(out.getParent())) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** Serves everything right except chunk bytes, which get one bit flipped. */
  record FlippingChunks(PublishedTree tree) implements RepositoryBackend {
    @Override
    public Optional<byte[]> head(String r) {
      return tree.head(r);
    }

    @Override
    public Optional<byte[]> object(String r, ObjectId id) throws IOException {
      return tree.object(r, id);
    }

    @Override
    public Optional<byte[]> chunk(String r, Hash id) throws IOException {
      Optional<byte[]> d = tree.chunk(r, id);
      d.ifPresent(b -> b[b.length / 2] ^= 1);
      return d;
    }
  }

  /** Serves every tree object with its last byte changed; heads and chunks are honest. */
  record TamperedTrees(PublishedTree tree) implements RepositoryBackend {
    @Override
    public Optional<byte[]> head(String r) {
      return tree.head(r);
    }

    @Override
    public Optional<byte[]> object(String r, ObjectId id) throws IOException {
      Optional<byte[]> d = tree.object(r, id);
      if (id.kind() == ObjectKind.TREE) {
        d.ifPresent(b -> b[b.length - 1] ^= 1);
      }
      return d;
    }

    @Override
    public Optional<byte[]> chunk(String r, Hash id) throws IOException {
      return tree.chunk(r, id);
    }
  }
}
