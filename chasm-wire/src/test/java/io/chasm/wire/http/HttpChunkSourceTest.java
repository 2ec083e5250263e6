package io.chasm.wire.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.ObjectKind;
import io.chasm.api.VerificationException;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.tree.ExportLayout;
import io.chasm.wire.ObjectVerifier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HttpChunkSource and HttpObjectSource against a JDK HTTP server on loopback that honours Range, or ignores it. */
class HttpChunkSourceTest {
  final byte[] file = new byte[1_500_000];
  final List<String> ranges = new CopyOnWriteArrayList<>();
  final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  HttpServer server;
  HttpMirror mirror;
  boolean honourRange = true;

  HttpChunkSourceTest() {
    new Random(5).nextBytes(file);
  }

  URI start(Map<String, byte[]> files) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/tree/", ex -> serve(ex, files.get(ex.getRequestURI().getRawPath().substring("/tree/".length()))));
    server.start();
    URI root = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/tree");
    mirror = HttpMirror.open(root, Duration.ofSeconds(10));
    return root;
  }

  private void serve(HttpExchange ex, byte[] body) throws IOException {
    clientPorts.add(ex.getRemoteAddress().getPort());
    String range = ex.getRequestHeaders().getFirst("Range");
    ranges.add(String.valueOf(range));
    try (OutputStream out = ex.getResponseBody()) {
      if (body == null) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (range == null || !honourRange) {
        ex.sendResponseHeaders(200, body.length);
        out.write(body);
        return;
      }
      String[] se = range.substring("bytes=".length()).split("-");
      int s = Integer.parseInt(se[0]);
      int e = Math.min(body.length - 1, Integer.parseInt(se[1]));
      ex.getResponseHeaders().add("Content-Range", "bytes " + s + "-" + e + "/" + body.length);
      ex.sendResponseHeaders(206, e - s + 1);
      out.write(body, s, e - s + 1);
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    if (mirror != null) {
      mirror.close();
    }
  }

  FileManifest manifest() throws IOException {
    return FileManifest.of(new Chunker().chunk(file));
  }

  static class Collect implements ChunkReceiver {
    final Map<Hash, byte[]> got = new ConcurrentHashMap<>();
    final List<Hash> notHeld = new CopyOnWriteArrayList<>();

    @Override
    public void chunk(Hash id, byte[] data) throws HashMismatchException {
      if (!Hash.sha256(data).equals(id)) {
        throw new HashMismatchException("chunk " + id + " does not match its bytes");
      }
      got.put(id, data);
    }

    @Override
    public void notHeld(Hash id) {
      notHeld.add(id);
    }
  }

  List<Hash> ids(FileManifest m) {
    List<Hash> ids = new ArrayList<>();
    m.chunks().forEach(c -> ids.add(c.id()));
    return ids;
  }

  @Test
  void adjacentChunks_oneRangeRequestPerSpan_overOneKeptAliveConnection() throws Exception {
    start(Map.of("pool/a%20b.deb", file));
    FileManifest m = manifest();
    assertThat(m.chunkCount()).isGreaterThan(4);
    Collect c = new Collect();
    new HttpChunkSource(mirror, new ChunkMap().add("pool/a b.deb", m), 600_000).fetch(ids(m), c).get();
    assertThat(c.got).hasSize(m.chunkCount());
    assertThat(c.notHeld).isEmpty();
    assertThat(ranges).hasSizeBetween(3, m.chunkCount() - 1);
    assertThat(clientPorts).hasSize(1);
  }

  @Test
  void aServerThatIgnoresRange_isReadUpToTheRange() throws Exception {
    honourRange = false;
    start(Map.of("f", file));
    FileManifest m = manifest();
    List<Hash> some = List.of(m.chunk(1).id(), m.chunk(m.chunkCount() - 1).id());
    Collect c = new Collect();
    new HttpChunkSource(mirror, new ChunkMap().add("f", m)).fetch(some, c).get();
    assertThat(c.got.keySet()).containsExactlyInAnyOrderElementsOf(some);
  }

  @Test
  void unknownIdsAndMissingFiles_areNotHeld_andBadBytesFailTheBatch() throws Exception {
    byte[] changed = file.clone();
    changed[700_000] ^= 1;
    start(Map.of("changed", changed));
    FileManifest m = manifest();
    Hash unknown = Hash.sha256(new byte[] {1});
    Collect c = new Collect();
    new HttpChunkSource(mirror, new ChunkMap().add("missing", m)).fetch(List.of(m.chunk(0).id(), unknown), c).get();
    assertThat(c.notHeld).containsExactlyInAnyOrder(m.chunk(0).id(), unknown);

    Collect bad = new Collect();
    assertThatThrownBy(() -> new HttpChunkSource(mirror, new ChunkMap().add("changed", m)).fetch(ids(m), bad).get())
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(HashMismatchException.class);
  }

  @Test
  void objects_areVerifiedAgainstTheirIds() throws Exception {
    FileManifest m = manifest();
    FileManifest other = FileManifest.of(new Chunker().chunk(new byte[] {1, 2, 3}));
    String path = ExportLayout.objectPath(m.id()).substring(0);
    start(Map.of(path, m.encode(), ExportLayout.objectPath(other.id()), m.encode()));
    Collect c = new Collect() {
      @Override
      public void chunk(Hash id, byte[] data) {
        got.put(id, data);
      }
    };
    HttpObjectSource objects = new HttpObjectSource(mirror, ObjectKind.FILE, ObjectVerifier.CANONICAL);
    objects.fetch(List.of(m.id().hash(), Hash.sha256(new byte[] {9})), c).get();
    assertThat(c.got).containsOnlyKeys(m.id().hash());
    assertThat(c.notHeld).hasSize(1);
    assertThatThrownBy(() -> objects.fetch(List.of(other.id().hash()), c).get())
        .hasCauseInstanceOf(VerificationException.class);
    assertThat(mirror.head().get()).isEmpty();
  }
}
