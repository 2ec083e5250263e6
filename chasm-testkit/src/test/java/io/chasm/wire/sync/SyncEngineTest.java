package io.chasm.wire.sync;

import io.chasm.hashtree.index.StateLocation;
import io.chasm.testkit.Trees;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.Hash;
import io.chasm.api.ExpiredSnapshotException;
import io.chasm.api.SignatureException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncEngineTest {
  static final URI ANY_PORT = URI.create("tcp://127.0.0.1:0");

  @TempDir Path tmp;
  final Ed25519Signer key = Ed25519.generate();

  Path origin() throws Exception {
    Path o = tmp.resolve("origin");
    Trees.write(o.resolve("README"), "hello\n");
    Files.write(o.resolve("big.bin"), Trees.random(1, 700_000));
    Trees.write(o.resolve("pool/main/a/pkg_1.0.deb"), "package a ".repeat(5000));
    Trees.write(o.resolve("dists/stable/Release"), "Release file\n");
    Trees.write(o.resolve("dists/stable/main/binary-amd64/Packages"), "Package: a\n");
    Files.createDirectories(o.resolve("empty-dir"));
    Files.createSymbolicLink(o.resolve("latest"), Path.of("pool/main/a/pkg_1.0.deb"));
    Files.write(o.resolve("empty"), new byte[0]);
    Files.write(o.resolve("dup1"), Trees.random(7, 30_000));
    Files.write(o.resolve("dup2"), Trees.random(7, 30_000));
    return o;
  }

  SyncResult sync(URI from, Path dest) throws Exception {
    return new SyncEngine(SyncOptions.builder(dest, TrustPolicy.single(key.publicKey())).upstream(from).build()).sync();
  }

  @Test
  void sync_initialUpdateNoChange_mirrorsExactly() throws Exception {
    Path o = origin();
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("mirror");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      URI uri = server.uris().get(0);
      SyncResult r = sync(uri, dest);
      assertThat(r.upToDate()).isFalse();
      assertThat(r.filesAdded()).isEqualTo(8);
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
      assertThat(Files.isDirectory(dest.resolve("empty-dir"))).isTrue();

      SyncResult again = sync(uri, dest);
      assertThat(again.upToDate()).isTrue();
      assertThat(again.bytesReceived() + again.bytesSent()).isLessThan(2048);

      // Update: append to the big file (most chunks reusable), add, delete, retarget the symlink.
      Files.write(o.resolve("big.bin"), Trees.random(2, 1000), java.nio.file.StandardOpenOption.APPEND);
      Trees.write(o.resolve("pool/main/b/pkg_2.0.deb"), "package b ".repeat(100));
      Files.delete(o.resolve("README"));
      Files.delete(o.resolve("latest"));
      Files.createSymbolicLink(o.resolve("latest"), Path.of("pool/main/b/pkg_2.0.deb"));
      Origins.publish(o, "demo", key);
      server.poll();
      SyncResult u = sync(uri, dest);
      assertThat(u.filesAdded()).isEqualTo(1);
      assertThat(u.filesChanged()).isEqualTo(1);
      assertThat(u.filesDeleted()).isEqualTo(1);
      assertThat(u.chunksReused()).isGreaterThan(0);
      assertThat(u.chunksFetched()).isLessThan(5);
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
      assertThat(u.sequence()).isEqualTo(2);
    }
  }

  @Test
  void sync_wideFetch_usesSeveralConnectionsAndMirrorsExactly() throws Exception {
    Path o = origin();
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("mirror");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
      SyncOptions opts = SyncOptions.builder(dest, TrustPolicy.single(key.publicKey())).upstream(server.uris().get(0))
          .wideFetch(3, 1).pipelining(1, 8).listener(new SyncListener() {
            @Override
            public void chunksFetched(int count, long bytes) {
              most.accumulateAndGet(server.server().connectionCount(), Math::max);
            }
          }).build();
      SyncResult r = new SyncEngine(opts).sync();
      assertThat(r.filesAdded()).isEqualTo(8);
      assertThat(most.get()).isEqualTo(3);
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
    }
  }

  @Test
  void sync_appendedSmallFile_fetchesOnlyTheAppendedBytes() throws Exception {
    Path o = tmp.resolve("origin");
    Files.createDirectories(o);
    Files.write(o.resolve("log.txt"), Trees.random(3, 12_000)); // one chunk, below the minimum size
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("mirror");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      URI uri = server.uris().get(0);
      sync(uri, dest);
      Files.write(o.resolve("log.txt"), Trees.random(4, 100), java.nio.file.StandardOpenOption.APPEND);
      Origins.publish(o, "demo", key);
      server.poll();
      SyncResult u = sync(uri, dest);
      assertThat(u.filesChanged()).isEqualTo(1);
      assertThat(u.chunksFetched()).isEqualTo(1);
      // Head, one tree, one manifest and the 100 new bytes: far less than the 12,100-byte chunk.
      assertThat(u.bytesReceived()).isLessThan(3000);
      assertThat(Files.readAllBytes(dest.resolve("log.txt"))).isEqualTo(Files.readAllBytes(o.resolve("log.txt")));
    }
  }

  /**
   * A publish killed after some renames leaves those paths at its version; if the upstream then
   * returns to the local head's content, a plain diff of the two snapshots finds nothing to do.
   */
  @Test
  void sync_afterInterruptedPublish_repairsPathsTheDiffWouldMiss() throws Exception {
    Path o = tmp.resolve("origin");
    Trees.write(o.resolve("a.txt"), "version 1 of a\n");
    Trees.write(o.resolve("sub/b.txt"), "b\n");
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("mirror");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      URI uri = server.uris().get(0);
      sync(uri, dest);
      // The interrupted run of version 2 had renamed a.txt into place, then died.
      Trees.write(dest.resolve("a.txt"), "version 2 of a\n");
      Files.writeString(StateLocation.of(dest).resolve("publishing"), Hash.sha256(new byte[] {9}).toString());
      // The origin goes back to version 1's content (a new snapshot with the same root tree).
      Trees.write(o.resolve("sub/b.txt"), "b\n");
      Origins.publish(o, "demo", key);
      server.poll();
      SyncResult r = sync(uri, dest);
      assertThat(r.upToDate()).isFalse();
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
      assertThat(Files.exists(StateLocation.of(dest).resolve("publishing"))).isFalse();
    }
  }

  @Test
  void sync_fromAMirror_relaysTheOriginEnvelope() throws Exception {
    Path o = origin();
    Origins.publish(o, "demo", key);
    Path tier1 = tmp.resolve("tier1");
    Path tier2 = tmp.resolve("tier2");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      sync(server.uris().get(0), tier1);
    }
    try (TreeServer mirror = TreeServer.start(tier1, List.of(ANY_PORT))) {
      SyncResult r = sync(mirror.uris().get(0), tier2);
      assertThat(r.sequence()).isEqualTo(1);
    }
    assertThat(Trees.listing(tier2)).isEqualTo(Trees.listing(o));
    assertThat(Files.readAllBytes(StateLocation.of(tier2).resolve("snapshots/00000000000000000001.snapshot")))
        .isEqualTo(Files.readAllBytes(StateLocation.of(o).resolve("snapshots/00000000000000000001.snapshot")));
  }

  @Test
  void sync_flip_switchesCurrentSymlink() throws Exception {
    Path o = origin();
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("flip");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      URI uri = server.uris().get(0);
      SyncOptions opts = SyncOptions.builder(dest, TrustPolicy.single(key.publicKey())).upstream(uri).flip(true).build();
      new SyncEngine(opts).sync();
      assertThat(Files.isSymbolicLink(dest.resolve("current"))).isTrue();
      assertThat(Trees.listing(dest.resolve("current"))).isEqualTo(Trees.listing(o));
      Trees.write(o.resolve("new-file"), "new\n");
      Origins.publish(o, "demo", key);
      server.poll();
      SyncResult r = new SyncEngine(opts).sync();
      assertThat(r.filesAdded()).isEqualTo(1);
      assertThat(Trees.listing(dest.resolve("current"))).isEqualTo(Trees.listing(o));
      assertThat(MirrorState.liveRoot(dest).toString()).endsWith("00000000000000000002");
    }
  }

  @Test
  void sync_flipWithUnsafeSymlink_skipsItPublishesTheRest() throws Exception {
    Path o = origin();
    Files.createSymbolicLink(o.resolve("pool/passwd"), Path.of("../../etc/passwd"));
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("flip");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      SyncOptions opts = SyncOptions.builder(dest, TrustPolicy.single(key.publicKey())).upstream(server.uris().get(0))
          .flip(true).safeLinks(true).build();
      SyncResult r = new SyncEngine(opts).sync();
      assertThat(r.skippedSymlinks()).containsExactly("pool/passwd");
      Map<String, String> expected = Trees.listing(o);
      expected.remove("pool/passwd");
      assertThat(Trees.listing(dest.resolve("current"))).isEqualTo(expected);
    }
  }

  @Test
  void sync_untrustedKey_failsWithSignatureException() throws Exception {
    Path o = origin();
    Origins.publish(o, "demo", Ed25519.generate());
    Path dest = tmp.resolve("mirror");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      assertThatThrownBy(() -> sync(server.uris().get(0), dest)).isInstanceOf(SignatureException.class);
    }
    assertThat(Trees.listing(dest)).isEmpty();
  }

  @Test
  void sync_expiredSnapshot_failsWithExpiredSnapshotException() throws Exception {
    Path o = origin();
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("mirror");
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(30)), ZoneOffset.UTC);
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      SyncOptions opts = SyncOptions.builder(dest, TrustPolicy.single(key.publicKey()))
          .upstream(server.uris().get(0)).clock(later).build();
      assertThatThrownBy(() -> new SyncEngine(opts).sync()).isInstanceOf(ExpiredSnapshotException.class);
    }
  }

  @Test
  void sync_badUpstreamAmongGood_bannedAndRetriedElsewhere() throws Exception {
    Path o = origin();
    Origins.publish(o, "demo", key);
    Path dest = tmp.resolve("mirror");
    try (TreeServer good = TreeServer.start(o, List.of(ANY_PORT));
        io.chasm.wire.serve.PublishedTree tree = io.chasm.wire.serve.PublishedTree.open(o, java.util.Set.of("default"));
        io.chasm.wire.peer.PeerServer bad = io.chasm.wire.peer.PeerServer.builder(new Corrupting(tree)).build()) {
      URI badUri = bad.listen(ANY_PORT);
      URI dead = URI.create("tcp://127.0.0.1:1");
      SyncOptions opts = SyncOptions.builder(dest, TrustPolicy.single(key.publicKey()))
          .upstreams(List.of(badUri, dead, good.uris().get(0))).pipelining(1, 1).build();
      SyncResult r = new SyncEngine(opts).sync();
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
      assertThat(r.banned()).anyMatch(b -> b.startsWith(dead.toString()));
      assertThat(r.banned()).anyMatch(b -> b.startsWith(badUri.toString()) && b.contains("does not match"));
    }
  }

  /** Serves everything right except chunk bytes, which get one bit flipped. */
  record Corrupting(io.chasm.wire.serve.PublishedTree tree) implements io.chasm.wire.RepositoryBackend {
    @Override
    public java.util.Optional<byte[]> head(String r) {
      return tree.head(r);
    }

    @Override
    public java.util.Optional<byte[]> object(String r, io.chasm.api.ObjectId id) throws java.io.IOException {
      return tree.object(r, id);
    }

    @Override
    public java.util.Optional<byte[]> chunk(String r, io.chasm.api.Hash id) throws java.io.IOException {
      java.util.Optional<byte[]> d = tree.chunk(r, id);
      d.ifPresent(b -> b[0] ^= 1);
      return d;
    }
  }

}
