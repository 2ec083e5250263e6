package io.chasm.wire.peer;

import io.chasm.wire.ChunkFetch;
import io.chasm.wire.ChunkSink;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.HeadListener;
import io.chasm.wire.Permission;
import io.chasm.wire.Subscription;
import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ProtocolException;
import io.chasm.api.SignatureException;
import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Transports;
import io.chasm.api.trust.PublicKey;
import io.chasm.wire.internal.client.ClientHandshake;
import io.chasm.wire.internal.client.ContentRequests;
import io.chasm.wire.internal.client.HeadSubscriptions;
import io.chasm.wire.internal.client.PeerExchange;
import io.chasm.wire.internal.client.RequestPipeline;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection to one peer, with pipelined requests (SPEC §9).
 *
 * <pre>
 *   try (PeerClient c = PeerClient.connect(uri, ClientOptions.defaults())) {
 *     Optional&lt;byte[]&gt; head = c.head("debian").get();           // verify it yourself
 *     Map&lt;ObjectId, byte[]&gt; trees = c.objects("debian", ids).get();
 *     ChunkFetch f = c.chunks("debian", chunkIds, (id, bytes) -&gt; stage(id, bytes)).get();
 *     try (Subscription s = c.subscribe("debian", (repo, envelope) -&gt; wake())) { ... }
 *   }
 * </pre>
 *
 * <p>Every method may be called from any thread; requests go out at once and replies are matched
 * by request id, so many requests are in flight together (up to the negotiated {@code
 * max_outstanding}; beyond that a call blocks until a reply frees a slot). Chunks are verified
 * against their ids before a sink or future sees them ({@link HashMismatchException} names the
 * chunk); objects go through the configured {@link io.chasm.wire.ObjectVerifier} (by default: canonical
 * decoding and id check). Futures complete on the
 * client's reader thread: use the {@code ...Async} variants of {@link CompletableFuture} for
 * dependent work that blocks.
 *
 * <p>When the connection fails, every outstanding and later request fails with the cause: a
 * {@link TransportException} (connection lost), {@link ProtocolException} or {@link
 * LimitExceededException} (the peer broke the protocol). Open a new client to retry.
 */
public final class PeerClient implements Closeable {
  private final String peer;
  private final Set<String> capabilities;
  private final Set<Permission> permissions;
  private final PublicKey serverKey;
  private final ClientHandshake.Session session;
  private final RequestPipeline pipeline;
  private final ContentRequests content;

  private PeerClient(Connection connection, ClientOptions options, ClientHandshake.Session session) {
    this.peer = connection.peerDescription();
    this.session = session;
    this.capabilities = Set.copyOf(session.welcome().getCapabilitiesList());
    this.serverKey = session.serverKey();
    this.permissions = session.permissions();
    this.pipeline = new RequestPipeline(connection, options, session);
    this.content = new ContentRequests(pipeline, capabilities);
  }

  /** Connects anonymously with default options. */
  public static PeerClient connect(URI uri) throws ChasmException {
    return connect(uri, ClientOptions.defaults());
  }

  /**
   * Connects through the transport registered for the URI's scheme and runs the handshake.
   *
   * @throws TransportException if the peer cannot be reached or the handshake times out
   * @throws io.chasm.wire.PeerErrorException if the server refuses (UNAUTHORIZED, UNSUPPORTED_VERSION, BAD_PROOF...)
   * @throws SignatureException if the server's proof fails or it is not the expected key
   * @throws ProtocolException if the server breaks the handshake
   */
  public static PeerClient connect(URI uri, ClientOptions options) throws ChasmException {
    return over(Transports.connect(uri), options);
  }

  /** Runs the handshake over an open connection; closes it if the handshake fails. */
  public static PeerClient over(Connection connection, ClientOptions options) throws ChasmException {
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> deadline = RequestPipeline.TIMER.schedule(() -> {
      timedOut.set(true);
      RequestPipeline.closeQuietly(connection);
    }, options.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    try {
      PeerClient c = new PeerClient(connection, options, ClientHandshake.run(connection, options));
      if (!deadline.cancel(false) || timedOut.get()) {
        throw new TransportException("handshake with " + connection.peerDescription() + " timed out");
      }
      c.pipeline.start();
      return c;
    } catch (IOException e) {
      RequestPipeline.closeQuietly(connection);
      String why = timedOut.get() ? "timed out" : "failed: " + e.getMessage();
      throw new TransportException("handshake with " + connection.peerDescription() + " " + why, e);
    } catch (ChasmException | RuntimeException e) {
      RequestPipeline.closeQuietly(connection);
      if (timedOut.get()) {
        throw new TransportException("handshake with " + connection.peerDescription() + " timed out", e);
      }
      throw e;
    } finally {
      deadline.cancel(false);
    }
  }

  // ------------------------------------------------------------------ what the handshake told

  /** The key the server proved, or empty for an anonymous server. */
  public Optional<PublicKey> serverKey() {
    return Optional.ofNullable(serverKey);
  }

  /** Capabilities both sides agreed on. */
  public Set<String> capabilities() {
    return capabilities;
  }

  /** What the server allows this client. */
  public Set<Permission> permissions() {
    return permissions;
  }

  /** Description of the server for logs. */
  public String peer() {
    return peer;
  }

  /** Bytes received on this connection so far (frames and headers). */
  public long bytesReceived() {
    return session.in().bytesRead();
  }

  /** Bytes sent on this connection so far. */
  public long bytesSent() {
    return session.out().bytesWritten();
  }

  /** False once the connection failed or was closed. */
  public boolean isOpen() {
    return pipeline.isOpen();
  }

  // ------------------------------------------------------------------ requests

  /**
   * The newest signed snapshot envelope of a repository, unverified.
   *
   * @return a future of the envelope, or empty if the peer does not hold the repository
   */
  public CompletableFuture<Optional<byte[]>> head(String repository) {
    return content.head(repository);
  }

  /**
   * GetHead with head gossip (SPEC §9.19): tells the server {@code seen}, the newest envelope this
   * node holds (null for none), and returns the server's head with its holders and equivocation
   * proofs, all unverified.
   */
  public CompletableFuture<Optional<io.chasm.wire.HeadInfo>> headInfo(String repository, byte[] seen) {
    return content.head(repository, seen);
  }

  /**
   * Trees and file manifests by id, checked by the configured {@link io.chasm.wire.ObjectVerifier}.
   *
   * @return a future of the objects the peer holds, in request order; ids it lacks are absent
   */
  public CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, Collection<ObjectId> ids) {
    return content.objects(repository, ids);
  }

  /**
   * As {@link #objects(String, Collection)}, telling a peer that takes deltas (capability
   * {@code manifest-delta}, SPEC §9.21) which earlier manifest the caller holds for a file
   * manifest id ({@code bases} answers null where none): such a manifest may come as a delta,
   * rebuilt here and checked against its id like a whole one, so the result is the same.
   */
  public CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, Collection<ObjectId> ids,
      java.util.function.Function<ObjectId, io.chasm.hashtree.merkle.FileManifest> bases) {
    return content.objects(repository, ids, bases);
  }

  /**
   * Fetches chunks into {@code sink}, verified, in request order. Splits into as many requests as
   * the negotiated ids-per-request limit needs, all pipelined. Fails with {@link
   * HashMismatchException} at the first chunk whose bytes do not hash to its id (nothing of that
   * chunk reaches the sink).
   */
  public CompletableFuture<ChunkFetch> chunks(String repository, Collection<Hash> ids, ChunkSink sink) {
    return chunks(repository, ids, id -> null, sink);
  }

  /**
   * As {@link #chunks(String, Collection, ChunkSink)}, offering for each id the prefix of the chunk
   * the caller already holds ({@code prefixes} returns null for none; SPEC §9.17), e.g. the old
   * version of a file that was appended to. The server may then send only the rest; the whole
   * chunk (prefix and rest) is verified against its id before it reaches the sink, so a wrong
   * prefix or wrong rest is a {@link HashMismatchException} like any bad chunk.
   */
  public CompletableFuture<ChunkFetch> chunks(String repository, Collection<Hash> ids,
      java.util.function.Function<Hash, byte[]> prefixes, ChunkSink sink) {
    return chunks(repository, ids, prefixes, sink, true);
  }

  /**
   * As {@link #chunks(String, Collection, java.util.function.Function, ChunkSink)}; {@code compressed}
   * false asks for the chunks uncompressed even though zstd was negotiated (a link faster than the
   * compressor, such as loopback or a Unix socket, gains nothing from it and both ends pay CPU).
   */
  public CompletableFuture<ChunkFetch> chunks(String repository, Collection<Hash> ids,
      java.util.function.Function<Hash, byte[]> prefixes, ChunkSink sink, boolean compressed) {
    return content.chunks(repository, ids, prefixes, sink, compressed);
  }

  /** Fetches chunks into memory: verified bytes by id, in request order; ids the peer lacks are absent. */
  public CompletableFuture<Map<Hash, byte[]>> chunks(String repository, Collection<Hash> ids) {
    Map<Hash, byte[]> result = new LinkedHashMap<>();
    return chunks(repository, ids, result::put).thenApply(f -> result);
  }

  /**
   * Subscribes to every new head of a repository: the current one at once (if any), then each new
   * one as the server gets it. Requires capability {@code subscribe}.
   */
  public Subscription subscribe(String repository, HeadListener listener) {
    return HeadSubscriptions.subscribe(pipeline, repository, listener);
  }

  /** Peer exchange: endpoints the peer knows hold a snapshot ({@code null} = its current head). */
  public CompletableFuture<List<String>> peers(String repository, Hash snapshot) {
    return PeerExchange.peers(pipeline, repository, snapshot);
  }

  /**
   * Tells the server a new snapshot exists (needs the ANNOUNCE permission). Fails with a {@link
   * io.chasm.wire.PeerErrorException} of code REJECTED if the server's checks refuse the envelope.
   */
  public CompletableFuture<Void> announce(String repository, byte[] envelope, List<String> holders) {
    return PeerExchange.announce(pipeline, repository, envelope, holders);
  }

  /** Says Goodbye, closes the connection, fails whatever is outstanding. Idempotent. */
  @Override
  public void close() {
    pipeline.close();
  }

  private static ChasmException unwrap(ExecutionException e) {
    Throwable c = e.getCause();
    if (c instanceof ChasmException ce) {
      return ce;
    }
    return new TransportException("request failed: " + c, c);
  }

  /**
   * Waits for a future of this client and unwraps its failure into the typed exception.
   *
   * @throws ChasmException the request's failure (TransportException, ProtocolException,
   *     HashMismatchException, PeerErrorException, ...)
   */
  public static <T> T await(CompletableFuture<T> f) throws ChasmException, IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while waiting for a peer");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw unwrap(e);
    }
  }

  @Override
  public String toString() {
    return "PeerClient[" + peer + "]";
  }
}
