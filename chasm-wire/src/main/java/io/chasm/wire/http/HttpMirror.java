package io.chasm.wire.http;

import io.chasm.api.ObjectId;
import io.chasm.api.TransportException;
import io.chasm.hashtree.tree.ExportLayout;
import io.chasm.wire.WireLimits;
import io.chasm.wire.http.internal.UrlPaths;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain HTTP(S) mirror of a tree that carries a static export (SPEC §12): its root URL, the
 * tree's files below it, the export at {@link ExportLayout#DIR}. Reads its signed head and
 * objects; {@link HttpChunkSource} reads chunks from its files with range requests. Nothing it
 * returns is verified: the caller checks the head's signatures, each object against its id and
 * each chunk against its hash, exactly as for a protocol peer.
 *
 * <p>One {@link HttpClient} per mirror keeps its connections alive between requests. Requests run
 * on the mirror's own daemon threads (one per request in flight, as many as the caller keeps in
 * flight), so a slow body never blocks the caller.
 */
public final class HttpMirror implements Closeable {
  /** Largest head or object read (a frame's limit on the protocol). */
  static final int MAX_OBJECT_BYTES = WireLimits.DEFAULT_MAX_FRAME_BYTES;
  private final URI root;
  private final HttpClient http;
  private final Duration timeout;
  private final ExecutorService pool;
  private final AtomicLong received = new AtomicLong();

  private HttpMirror(URI root, Duration timeout) {
    this.root = UrlPaths.directory(root);
    this.timeout = timeout;
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "chasm-http " + root.getHost());
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  /** True for the URI schemes a mirror is reached by ({@code http}, {@code https}). */
  public static boolean accepts(URI uri) {
    String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return s.equals("http") || s.equals("https");
  }

  /**
   * A mirror whose tree root is {@code root} ({@code http://mirror.example/debian/}). Connects
   * lazily: nothing is sent until the first request.
   *
   * @param timeout for connecting and for each request's answer to start
   * @throws IllegalArgumentException if {@code root} is not an http(s) URI with a host
   */
  public static HttpMirror open(URI root, Duration timeout) {
    if (!accepts(root) || root.getHost() == null) {
      throw new IllegalArgumentException("not an http(s) URL with a host: " + root);
    }
    return new HttpMirror(root, timeout);
  }

  /** The tree's root URL (ending in {@code /}). */
  public URI root() {
    return root;
  }

  /** The signed head of the export ({@link ExportLayout#HEAD}), unverified; empty if the mirror has none (404). */
  public CompletableFuture<Optional<byte[]>> head() {
    return whole(ExportLayout.HEAD);
  }

  /** A tree or file manifest of the export, unverified; empty if the mirror does not hold it. */
  public CompletableFuture<Optional<byte[]>> object(ObjectId id) {
    return whole(ExportLayout.objectPath(id));
  }

  /** Bytes of bodies read from this mirror so far. */
  public long bytesReceived() {
    return received.get();
  }

  @Override
  public String toString() {
    return root.toString();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** Runs a blocking request on the mirror's threads. */
  <T> CompletableFuture<T> submit(Request<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run();
      } catch (IOException e) {
        throw new CompletionException(new TransportException(root + ": " + e.getMessage(), e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CompletionException(new TransportException(root + ": interrupted"));
      }
    }, pool);
  }

  /** A blocking unit of work on the mirror's threads. */
  interface Request<T> {
    T run() throws IOException, InterruptedException;
  }

  /** Sends a GET for {@code path} (with {@code range}, a {@code Range} value, unless null) and returns the response with its body unread. */
  HttpResponse<InputStream> get(String path, String range) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(UrlPaths.resolve(root, path)).timeout(timeout).GET();
    if (range != null) {
      b.header("Range", range);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** An input stream that counts what it reads into {@link #bytesReceived}. */
  InputStream counted(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
          received.incrementAndGet();
        }
        return c;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          received.addAndGet(n);
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long k = super.skip(n);
        received.addAndGet(Math.max(k, 0));
        return k;
      }
    };
  }

  private CompletableFuture<Optional<byte[]>> whole(String path) {
    return submit(() -> fetchWhole(path));
  }

  /** A whole export file, blocking; empty if the mirror does not hold it. */
  Optional<byte[]> fetchWhole(String path) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = get(path, null);
    try (InputStream in = counted(r.body())) {
      if (r.statusCode() == 404 || r.statusCode() == 410 || r.statusCode() == 403) {
        return Optional.empty();
      }
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode() + " for " + path);
      }
      byte[] b = in.readNBytes(MAX_OBJECT_BYTES + 1);
      if (b.length > MAX_OBJECT_BYTES) {
        throw new IOException(path + " is larger than " + MAX_OBJECT_BYTES + " bytes");
      }
      return Optional.of(b);
    }
  }
}
