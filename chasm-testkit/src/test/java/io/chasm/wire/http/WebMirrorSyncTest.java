package io.chasm.wire.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.export.StaticExport;
import io.chasm.hashtree.tree.ExportLayout;
import io.chasm.testkit.Nginx;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.serve.PublishedTree;
import io.chasm.wire.serve.TreeServer;
import io.chasm.wire.sync.SyncEngine;
import io.chasm.wire.sync.SyncOptions;
import io.chasm.wire.sync.SyncResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain web mirrors as sync sources (issue 14, SPEC §12), against a real nginx from Debian's
 * packages serving copies of an exported tree: alone, mixed with CHASM peers, tampered, stale,
 * and with a file of the wrong size.
 */
class WebMirrorSyncTest {
  static final URI ANY_PORT = URI.create("tcp://127.0.0.1:0");

  @TempDir Path tmp;
  Origin origin;
  Path tree;

  @BeforeEach
  void origin() throws Exception {
    assumeTrue(Nginx.binary() != null || System.getenv("CI") != null, "nginx is not installed (apt-get install nginx-light)");
    origin = Origin.create(Files.createDirectories(tmp.resolve("keys")));
    tree = tmp.resolve("origin");
    for (int i = 0; i < 12; i++) {
      Files.createDirectories(tree.resolve("pool/p" + (i % 3)));
      Files.write(tree.resolve("pool/p" + (i % 3) + "/pkg" + i + ".deb"), Trees.random(100 + i, 40_000 + i * 37_000));
    }
    Trees.write(tree.resolve("dists/stable/Release"), "Release\n");
    Trees.write(tree.resolve("name with spaces & 100%.txt"), "escaped in URLs\n");
    Files.write(tree.resolve("empty"), new byte[0]);
    Files.createSymbolicLink(tree.resolve("latest"), Path.of("pool/p0/pkg0.deb"));
    origin.publish(tree, "demo");
    StaticExport.export(tree, null);
  }

  /** A web mirror's copy of the origin as it is now (tree and export). */
  Path webCopy(String name) throws IOException {
    Path p = tmp.resolve("web").resolve(name);
    Files.createDirectories(p.getParent());
    Trees.copy(tree, p);
    return p;
  }

  SyncResult sync(Path dest, List<URI> from, int chunksPerBatch) throws ChasmException, IOException {
    return new SyncEngine(SyncOptions.builder(dest, origin.trust()).upstreams(from).pipelining(chunksPerBatch, 4).build()).sync();
  }

  static Map<String, String> withoutExport(Map<String, String> listing) {
    Map<String, String> out = new TreeMap<>(listing);
    out.keySet().removeIf(k -> k.equals(ExportLayout.DIR) || k.startsWith(ExportLayout.DIR + "/"));
    return out;
  }

  static long count(List<String> log, String prefix) {
    return log.stream().filter(l -> l.startsWith(prefix)).count();
  }

  @Test
  void exportIsNotPartOfTheTree_andAReExportWritesNothingNew() throws Exception {
    assertThat(Files.isRegularFile(tree.resolve(ExportLayout.HEAD))).isTrue();
    long before = origin.publish(tree, "demo").snapshot().sequence();
    // Publishing again after the export: the export is not in the tree, so the root is the same.
    assertThat(origin.publish(tree, "demo").snapshot().rootTree()).isEqualTo(originRoot());
    StaticExport.Result again = StaticExport.export(tree, null);
    assertThat(again.sequence()).isGreaterThan(before);
    assertThat(again.written()).isZero();
    assertThat(again.objects()).isGreaterThan(3);
  }

  ObjectId originRoot() throws Exception {
    try (PublishedTree t = PublishedTree.open(tree, Set.of())) {
      return io.chasm.hashtree.snapshot.SignedSnapshot.decode(t.head(t.repository()).orElseThrow()).snapshot().rootTree();
    }
  }

  @Test
  void a_webMirrorAlone_givesTheIdenticalTree_withRangeRequests() throws Exception {
    Path web = webCopy("a");
    try (Nginx nginx = Nginx.start(tmp.resolve("nginx"), List.of(web))) {
      Path dest = tmp.resolve("mirror");
      SyncResult r = sync(dest, List.of(nginx.uri(0)), 256);
      assertThat(r.banned()).isEmpty();
      assertThat(Trees.listing(dest)).isEqualTo(withoutExport(Trees.listing(tree)));
      List<String> log = nginx.accessLog(0);
      assertThat(count(log, "200 GET /mirror/" + ExportLayout.HEAD)).isEqualTo(1);
      // Chunks of one file lying end to end come in one request: fewer requests than chunks.
      assertThat(count(log, "206 GET /mirror/pool/")).isPositive().isLessThan(r.chunksFetched());
      assertThat(log).noneMatch(l -> l.startsWith("4") || l.startsWith("5"));

      // Up to date: the head alone is read again.
      SyncResult again = sync(dest, List.of(nginx.uri(0)), 256);
      assertThat(again.upToDate()).isTrue();
      assertThat(nginx.accessLog(0)).hasSize(log.size() + 1);
    }
  }

  @Test
  void b_twoChasmPeersAndThreeWebMirrors_chunksComeFromBothKinds() throws Exception {
    Path peerCopy = tmp.resolve("peer");
    sync(peerCopy, List.of(webOnlyOnce()), 256);
    List<Path> webs = List.of(webCopy("w1"), webCopy("w2"), webCopy("w3"));
    try (Nginx nginx = Nginx.start(tmp.resolve("nginx"), webs);
        CountingPeer p1 = CountingPeer.start(tree);
        CountingPeer p2 = CountingPeer.start(peerCopy)) {
      Path dest = tmp.resolve("mirror");
      List<URI> from = List.of(p1.uri(), nginx.uri(0), p2.uri(), nginx.uri(1), nginx.uri(2));
      // Small batches, so every source gets work from the first round on.
      SyncResult r = sync(dest, from, 2);
      assertThat(r.banned()).isEmpty();
      assertThat(Trees.listing(dest)).isEqualTo(withoutExport(Trees.listing(tree)));
      long web = 0;
      for (int i = 0; i < 3; i++) {
        web += count(nginx.accessLog(i), "206 GET /mirror/");
      }
      assertThat(web).as("range requests to the web mirrors").isPositive();
      assertThat(p1.chunks.get() + p2.chunks.get()).as("chunks served by the CHASM peers").isPositive();
    }
  }

  /** A mirror of the origin synced once from a web copy (the second CHASM peer's tree). */
  private URI webOnlyOnce() throws Exception {
    Path web = webCopy("seed");
    Nginx nginx = Nginx.start(tmp.resolve("nginx-seed"), List.of(web));
    seed = nginx;
    return nginx.uri(0);
  }

  private Nginx seed;

  @org.junit.jupiter.api.AfterEach
  void stopSeed() throws InterruptedException {
    if (seed != null) {
      seed.close();
    }
  }

  @Test
  void c_aTamperedByteOnAWebMirror_isRefused_theMirrorBanned_andTheChunkFetchedElsewhere() throws Exception {
    Path bad = webCopy("bad");
    Path good = webCopy("good");
    // One byte flipped in each package on the bad mirror (sizes unchanged, so only the hash can tell).
    List<Path> files;
    try (Stream<Path> s = Files.walk(bad.resolve("pool"))) {
      files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
    }
    for (Path f : files) {
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        long at = raf.length() / 2;
        raf.seek(at);
        int b = raf.read();
        raf.seek(at);
        raf.write(b ^ 0x01);
      }
    }
    try (Nginx nginx = Nginx.start(tmp.resolve("nginx"), List.of(bad, good))) {
      Path dest = tmp.resolve("mirror");
      SyncResult r = sync(dest, List.of(nginx.uri(0), nginx.uri(1)), 2);
      assertThat(Trees.listing(dest)).isEqualTo(withoutExport(Trees.listing(tree)));
      assertThat(r.banned()).hasSize(1);
      assertThat(r.banned().get(0)).contains(nginx.uri(0).toString()).contains("does not match its bytes").contains("sha256:");
      assertThat(count(nginx.accessLog(1), "206 GET /mirror/pool/")).isPositive();
    }
  }

  @Test
  void d_aStaleExport_isNotUsedForTheNewerSnapshot() throws Exception {
    Path stale = webCopy("stale");
    Files.write(tree.resolve("pool/p1/pkg1.deb"), Trees.random(999, 90_000));
    Trees.write(tree.resolve("pool/p2/new.deb"), "new package ".repeat(4000));
    origin.publish(tree, "demo");
    StaticExport.export(tree, null);
    Path fresh = webCopy("fresh");
    try (Nginx nginx = Nginx.start(tmp.resolve("nginx"), List.of(stale, fresh))) {
      Path dest = tmp.resolve("mirror");
      SyncResult r = sync(dest, List.of(nginx.uri(0), nginx.uri(1)), 2);
      assertThat(r.sequence()).isEqualTo(2);
      assertThat(Trees.listing(dest)).isEqualTo(withoutExport(Trees.listing(tree)));
      assertThat(nginx.accessLog(0)).as("the stale mirror is asked for its head only")
          .containsExactly("200 GET /mirror/" + ExportLayout.HEAD + " \"-\" " + Files.size(stale.resolve(ExportLayout.HEAD)));
      assertThat(count(nginx.accessLog(1), "206 GET /mirror/pool/")).isPositive();
    }
  }

  @Test
  void aFileOfAnotherSizeOnAWebMirror_isNotHeldThere_withoutABan() throws Exception {
    Path cut = webCopy("cut");
    Path whole = webCopy("whole");
    List<Path> files;
    try (Stream<Path> s = Files.walk(cut.resolve("pool"))) {
      files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
    }
    for (Path f : files) {
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        raf.setLength(raf.length() - 1); // as a half-done rsync leaves it
      }
    }
    try (Nginx nginx = Nginx.start(tmp.resolve("nginx"), List.of(cut, whole))) {
      Path dest = tmp.resolve("mirror");
      SyncResult r = sync(dest, List.of(nginx.uri(0), nginx.uri(1)), 2);
      assertThat(r.banned()).isEmpty();
      assertThat(Trees.listing(dest)).isEqualTo(withoutExport(Trees.listing(tree)));
      assertThat(nginx.accessLog(0)).anyMatch(l -> l.startsWith("206 GET /mirror/pool/") || l.startsWith("416 GET /mirror/pool/"));
    }
  }

  /** A CHASM peer serving a published tree, counting the chunks it sends. */
  static final class CountingPeer implements AutoCloseable {
    final AtomicLong chunks = new AtomicLong();
    final PublishedTree tree;
    final PeerServer server;
    final URI uri;

    private CountingPeer(Path dir) throws Exception {
      tree = PublishedTree.open(dir, Set.of(TreeServer.DEFAULT_ALIAS));
      RepositoryBackend counting = new RepositoryBackend() {
        @Override
        public Optional<byte[]> head(String repository) throws IOException, ChasmException {
          return tree.head(repository);
        }

        @Override
        public Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException {
          return tree.object(repository, id);
        }

        @Override
        public Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException {
          Optional<byte[]> c = tree.chunk(repository, id);
          c.ifPresent(b -> chunks.incrementAndGet());
          return c;
        }

        @Override
        public List<Optional<byte[]>> chunks(String repository, List<Hash> ids) throws IOException, ChasmException {
          List<Optional<byte[]>> out = tree.chunks(repository, ids);
          chunks.addAndGet(out.stream().filter(Optional::isPresent).count());
          return out;
        }
      };
      server = PeerServer.builder(counting).build();
      uri = server.listen(ANY_PORT);
    }

    static CountingPeer start(Path dir) throws Exception {
      return new CountingPeer(dir);
    }

    URI uri() {
      return uri;
    }

    @Override
    public void close() throws IOException {
      server.close();
      tree.close();
    }
  }

  @SuppressWarnings("unused")
  private static List<String> lines(List<String> l) {
    return new ArrayList<>(l);
  }
}
