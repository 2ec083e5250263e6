package io.chasm.examples.sync;

import io.chasm.hashtree.index.StateLocation;
import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import io.chasm.testkit.HostileUpstream;
import io.chasm.testkit.InMemoryBackend;
import io.chasm.testkit.Trees;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.serve.PublishedTree;
import io.chasm.wire.serve.TreeServer;
import io.chasm.wire.sync.SyncEngine;
import io.chasm.wire.sync.SyncOptions;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile upstream against the real {@code chasm sync} process: each attack must end in exit 1
 * naming the typed error, with the mirror's served tree unchanged and nothing written outside it.
 * A signed tree with symlinks out of the tree is no attack on the mirror itself: those links are
 * skipped and the rest is published, still with nothing written outside.
 */
class HostileUpstreamTest {
  static final Duration LIMIT = Duration.ofSeconds(60);
  static final String REPO = "demo";

  @TempDir static Path shared;
  static Ed25519Signer key;
  static Path keyFile;
  static Path origin2;
  static Path mirror;
  static SignedSnapshot first;
  static Map<String, String> mirrorListing;

  @TempDir Path work;
  Path dest;
  Path outside;

  @BeforeAll
  static void origins() throws Exception {
    keyFile = shared.resolve("origin.key");
    assertThat(ChasmCli.run("keygen", "--out", keyFile.toString())).isZero();
    key = KeyFiles.readSigner(keyFile);
    Path origin = shared.resolve("origin");
    Trees.write(origin.resolve("pool/a.deb"), "package a\n".repeat(3000));
    Trees.write(origin.resolve("dists/stable/Release"), "Release\n");
    assertThat(ChasmCli.run("publish", origin.toString(), "--key", keyFile.toString(), "--origin", REPO)).isZero();
    first = SnapshotHistory.open(StateLocation.of(origin).resolve("snapshots")).latest().orElseThrow();
    origin2 = shared.resolve("origin2");
    Trees.copy(origin, origin2);
    Trees.copy(StateLocation.of(origin), StateLocation.of(origin2)); // its history too: the next publish is #2
    Trees.write(origin2.resolve("pool/b.deb"), "package b, new in snapshot 2\n".repeat(5000));
    assertThat(ChasmCli.run("publish", origin2.toString(), "--key", keyFile.toString())).isZero();
    mirror = shared.resolve("mirror");
    try (TreeServer s = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      new SyncEngine(SyncOptions.builder(mirror, TrustPolicy.single(key.publicKey())).upstream(s.uris().get(0)).build()).sync();
    }
    mirrorListing = Trees.listing(mirror);
    assertThat(mirrorListing).containsKey("pool/a.deb");
  }

  @BeforeEach
  void freshMirror() throws Exception {
    dest = work.resolve("mirror");
    Trees.copy(mirror, dest);
    // The mirror's state (outside the tree) goes with it.
    Trees.copy(StateLocation.of(mirror), StateLocation.of(dest));
    outside = Files.createDirectories(work.resolve("outside"));
  }

  void expectRejected(URI upstream, String error) throws Exception {
    Cli.Result r = Cli.run(work, LIMIT, "sync", upstream.toString(), dest.toString(), "--trust", keyFile + ".pub", "--repo", REPO);
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FAILED_CHECK);
    assertThat(r.err()).contains(error);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(Trees.listing(dest)).isEqualTo(mirrorListing);
    assertThat(SnapshotHistory.open(StateLocation.of(dest).resolve("snapshots")).latestSequence()).isEqualTo(1);
    try (var s = Files.list(outside)) {
      assertThat(s.toList()).isEmpty();
    }
    try (var s = Files.list(work)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("mirror", "outside");
    }
  }

  void withServer(RepositoryBackend backend, String error) throws Exception {
    try (PeerServer s = PeerServer.builder(backend).build()) {
      expectRejected(s.listen(URI.create("tcp://127.0.0.1:0")), error);
    }
  }

  /** A snapshot 2 over {@code root} whose objects are served from memory. */
  InMemoryBackend evil(Tree root) {
    SignedSnapshot s2 = first.snapshot().next(root.id()).sign(key);
    return new InMemoryBackend().putHead(REPO, s2.encode()).putObject(root.id(), root.encode());
  }

  @Test
  void wrongChunkBytes_hashMismatch() throws Exception {
    try (PublishedTree good = PublishedTree.open(origin2, Set.of())) {
      withServer(Relay.corrupting(good), "HashMismatchException");
    }
  }

  @Test
  void oversizedFrame_limitExceeded() throws Exception {
    byte[] s2 = SnapshotHistory.open(StateLocation.of(origin2).resolve("snapshots")).latest().orElseThrow().encode();
    try (PublishedTree good = PublishedTree.open(origin2, Set.of(""));
        HostileUpstream h = HostileUpstream.breakingObjects(HostileUpstream.Mode.OVERSIZED_FRAME, s2, good)) {
      expectRejected(h.uri(), "LimitExceededException");
    }
  }

  @Test
  void endlessStream_protocolError() throws Exception {
    byte[] s2 = SnapshotHistory.open(StateLocation.of(origin2).resolve("snapshots")).latest().orElseThrow().encode();
    try (PublishedTree good = PublishedTree.open(origin2, Set.of(""));
        HostileUpstream h = HostileUpstream.breakingObjects(HostileUpstream.Mode.ENDLESS_ITEMS, s2, good)) {
      expectRejected(h.uri(), "ProtocolException");
    }
  }

  @Test
  void dotDotName_unsafePath() throws Exception {
    byte[] tree = rawTree("..");
    ObjectId id = ObjectId.tree(Hash.sha256(tree));
    SignedSnapshot s2 = first.snapshot().next(id).sign(key);
    withServer(new InMemoryBackend().putHead(REPO, s2.encode()).putObject(id, tree), "UnsafePathException");
  }

  @Test
  void absoluteName_unsafePath() throws Exception {
    byte[] tree = rawTree("/etc/cron.d");
    ObjectId id = ObjectId.tree(Hash.sha256(tree));
    SignedSnapshot s2 = first.snapshot().next(id).sign(key);
    withServer(new InMemoryBackend().putHead(REPO, s2.encode()).putObject(id, tree), "UnsafePathException");
  }

  @Test
  void absoluteSymlink_unsafePath() throws Exception {
    withServer(evil(Tree.of(List.of(TreeEntry.symlink("passwd", "/etc/passwd")))), "UnsafePathException");
  }

  @Test
  void symlinkEscapingRoot_unsafePath() throws Exception {
    withServer(escapingLink(), "UnsafePathException");
  }

  @Test
  void absoluteSymlink_safeLinks_notCreatedNothingOutside() throws Exception {
    expectSymlinkSkipped(evil(Tree.of(List.of(TreeEntry.symlink("passwd", "/etc/passwd")))), "passwd");
  }

  @Test
  void symlinkEscapingRoot_safeLinks_notCreatedNothingOutside() throws Exception {
    expectSymlinkSkipped(escapingLink(), "d/x");
  }

  InMemoryBackend escapingLink() throws Exception {
    Tree sub = Tree.of(List.of(TreeEntry.symlink("x", "../../outside")));
    InMemoryBackend b = evil(Tree.of(List.of(TreeEntry.directory("d", sub.id()))));
    b.putObject(sub.id(), sub.encode());
    return b;
  }

  /**
   * With --safe-links a signed tree with an unsafe symlink is published without it (docs/sync.md):
   * the link is reported, never created, and nothing appears outside the mirror.
   */
  void expectSymlinkSkipped(RepositoryBackend backend, String link) throws Exception {
    try (PeerServer s = PeerServer.builder(backend).build()) {
      URI upstream = s.listen(URI.create("tcp://127.0.0.1:0"));
      Cli.Result r = Cli.run(work, LIMIT, "sync", upstream.toString(), dest.toString(), "--trust", keyFile + ".pub", "--repo", REPO, "--json", "--safe-links");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(UnsafeSymlinkSyncTest.skipped(r)).containsExactly(link);
      assertThat(Files.exists(dest.resolve(link), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
      assertThat(SnapshotHistory.open(StateLocation.of(dest).resolve("snapshots")).latestSequence()).isEqualTo(2);
    }
    try (var s = Files.list(outside)) {
      assertThat(s.toList()).isEmpty();
    }
    try (var s = Files.list(work)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("mirror", "outside");
    }
  }

  @Test
  void untrustedSignature_signatureError() throws Exception {
    Snapshot s2 = SnapshotHistory.open(StateLocation.of(origin2).resolve("snapshots")).latest().orElseThrow().snapshot();
    try (PublishedTree good = PublishedTree.open(origin2, Set.of())) {
      withServer(Relay.withHead(good, SignedSnapshot.sign(s2, Ed25519.generate()).encode()), "SignatureException");
    }
  }

  @Test
  void tamperedSignature_signatureError() throws Exception {
    byte[] env = SnapshotHistory.open(StateLocation.of(origin2).resolve("snapshots")).latest().orElseThrow().encode();
    env[env.length - 5] ^= 1;
    try (PublishedTree good = PublishedTree.open(origin2, Set.of())) {
      withServer(Relay.withHead(good, env), "SignatureException");
    }
  }

  @Test
  void olderSnapshot_rollback() throws Exception {
    // Signed again, same root: not newer than the mirror's #1, and no equivocation either.
    SignedSnapshot replay = Snapshot.first(REPO, first.snapshot().rootTree())
        .createdAt(first.snapshot().created().minusSeconds(60)).sign(key);
    withServer(new InMemoryBackend().putHead(REPO, replay.encode()), "RollbackException");
  }

  /**
   * Until issue 14 this attack (a second #1, another root, signed by the trusted key) was reported
   * as a rollback; it is an equivocation of the origin key (SPEC §14): exit 5, proof written, tree
   * and history unchanged.
   */
  @Test
  void sameSequenceOtherRoot_equivocation() throws Exception {
    Tree other = Tree.of(List.of());
    SignedSnapshot fork = Snapshot.first(REPO, other.id()).sign(key);
    InMemoryBackend b = new InMemoryBackend().putHead(REPO, fork.encode()).putObject(other.id(), other.encode());
    try (PeerServer server = PeerServer.builder(b).build()) {
      URI u = server.listen(URI.create("tcp://127.0.0.1:0"));
      Cli.Result r = Cli.run(work, LIMIT, "sync", u.toString(), dest.toString(), "--trust", keyFile + ".pub", "--repo", REPO);
      assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.EQUIVOCATION);
      assertThat(r.err()).contains("EquivocationException").contains("proof written to");
      assertThat(r.err().strip().lines()).hasSize(1);
    }
    assertThat(Trees.listing(dest)).isEqualTo(mirrorListing);
    assertThat(SnapshotHistory.open(StateLocation.of(dest).resolve("snapshots")).latestSequence()).isEqualTo(1);
    assertThat(io.chasm.hashtree.snapshot.EquivocationProofs.in(StateLocation.of(dest)).files()).hasSize(1);
  }

  @Test
  void expiredSnapshot_expired() throws Exception {
    Snapshot s2 = SnapshotHistory.open(StateLocation.of(origin2).resolve("snapshots")).latest().orElseThrow().snapshot();
    SignedSnapshot stale = first.snapshot().next(s2.rootTree())
        .createdAt(Instant.now().minus(Duration.ofDays(10))).expiresIn(Duration.ofDays(1)).sign(key);
    try (PublishedTree good = PublishedTree.open(origin2, Set.of())) {
      withServer(Relay.withHead(good, stale.encode()), "ExpiredSnapshotException");
    }
  }

  /** Tree bytes with one empty-file entry of the given (unsafe) name, bypassing the encoder's checks. */
  static byte[] rawTree(String name) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    d.writeByte(3);
    d.writeByte(1);
    d.writeInt(1);
    d.writeShort(n.length);
    d.write(n);
    d.writeByte(1);
    d.writeByte(0);
    d.writeLong(0);
    d.writeByte(1);
    d.write(new byte[32]);
    return b.toByteArray();
  }
}
