package io.chasm.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.ChasmException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ProtocolException;
import io.chasm.api.SignatureException;
import io.chasm.api.TransportException;
import io.chasm.api.source.ChunkSource;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Transports;
import io.chasm.api.trust.PublicKey;
import io.chasm.wire.internal.ChunkCodec;
import io.chasm.wire.internal.CountingInputStream;
import io.chasm.wire.internal.TimedOutputStream;
import io.chasm.wire.internal.ProtoEnums;
import io.chasm.wire.internal.Threads;
import io.chasm.wire.internal.Transcripts;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.internal.frame.FrameReader;
import io.chasm.wire.internal.frame.FrameWriter;
import io.chasm.wire.proto.peer.Announce;
import io.chasm.wire.proto.peer.Auth;
import io.chasm.wire.proto.peer.Cancel;
import io.chasm.wire.proto.peer.ChunkPrefix;
import io.chasm.wire.proto.peer.Compression;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.GetChunks;
import io.chasm.wire.proto.peer.GetHead;
import io.chasm.wire.proto.peer.GetObjects;
import io.chasm.wire.proto.peer.GetPeers;
import io.chasm.wire.proto.peer.Goodbye;
import io.chasm.wire.proto.peer.Hello;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import io.chasm.wire.proto.peer.Subscribe;
import io.chasm.wire.proto.peer.Welcome;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * chunk); objects go through the configured {@link ObjectVerifier} (by default: canonical
 * decoding and id check). Futures complete on the
 * client's reader thread: use the {@code ...Async} variants of {@link CompletableFuture} for
 * dependent work that blocks.
 *
 * <p>When the connection fails, every outstanding and later request fails with the cause: a
 * {@link TransportException} (connection lost), {@link ProtocolException} or {@link
 * LimitExceededException} (the peer broke the protocol). Open a new client to retry.
 */
public final class PeerClient implements Closeable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(Threads.named("chasm-client-timer"));

  private final Connection connection;
  private final String peer;
  private final ClientOptions options;
  private final CountingInputStream in;
  private final TimedOutputStream out;
  private final FrameReader reader;
  private final FrameWriter writer;
  private final Semaphore permits;
  private final int idsPerRequest;
  private final Set<String> capabilities;
  private final Set<Permission> permissions;
  private final PublicKey serverKey;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  /** Used by the reader thread only (decoding happens there). */
  private final ChunkCodec codec = new ChunkCodec();
  private final ExecutorService callbacks = Executors.newSingleThreadExecutor(Threads.named("chasm-client-callback"));
  private volatile ChasmException failure;
  /** When a frame last arrived, or requests became outstanding after a quiet time. */
  private volatile long lastProgressNanos = System.nanoTime();
  private ScheduledFuture<?> stallWatch;

  private PeerClient(Connection connection, ClientOptions options, CountingInputStream in, TimedOutputStream out,
      FrameReader reader, FrameWriter writer, Welcome welcome, PublicKey serverKey, Set<Permission> permissions) {
    this.connection = connection;
    this.peer = connection.peerDescription();
    this.options = options;
    this.in = in;
    this.out = out;
    this.reader = reader;
    this.writer = writer;
    this.permits = new Semaphore(Math.min(options.limits().maxOutstanding(), welcome.getMaxOutstanding()));
    this.idsPerRequest = Math.min(options.limits().maxIdsPerRequest(), welcome.getMaxIdsPerRequest());
    this.capabilities = Set.copyOf(welcome.getCapabilitiesList());
    this.serverKey = serverKey;
    this.permissions = permissions;
  }

  /** Connects anonymously with default options. */
  public static PeerClient connect(URI uri) throws ChasmException {
    return connect(uri, ClientOptions.defaults());
  }

  /**
   * Connects through the transport registered for the URI's scheme and runs the handshake.
   *
   * @throws TransportException if the peer cannot be reached or the handshake times out
   * @throws PeerErrorException if the server refuses (UNAUTHORIZED, UNSUPPORTED_VERSION, BAD_PROOF...)
   * @throws SignatureException if the server's proof fails or it is not the expected key
   * @throws ProtocolException if the server breaks the handshake
   */
  public static PeerClient connect(URI uri, ClientOptions options) throws ChasmException {
    return over(Transports.connect(uri), options);
  }

  /** Runs the handshake over an open connection; closes it if the handshake fails. */
  public static PeerClient over(Connection connection, ClientOptions options) throws ChasmException {
    java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();
    ScheduledFuture<?> deadline = TIMER.schedule(() -> {
      timedOut.set(true);
      closeQuietly(connection);
    }, options.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    try {
      PeerClient c = handshake(connection, options);
      if (!deadline.cancel(false) || timedOut.get()) {
        throw new TransportException("handshake with " + connection.peerDescription() + " timed out");
      }
      long period = Math.max(50, options.stallTimeout().toMillis() / 4);
      c.stallWatch = TIMER.scheduleAtFixedRate(c::checkStall, period, period, TimeUnit.MILLISECONDS);
      Thread t = Threads.named("chasm-client-reader").newThread(c::readLoop);
      t.start();
      return c;
    } catch (IOException e) {
      closeQuietly(connection);
      String why = timedOut.get() ? "timed out" : "failed: " + e.getMessage();
      throw new TransportException("handshake with " + connection.peerDescription() + " " + why, e);
    } catch (ChasmException | RuntimeException e) {
      closeQuietly(connection);
      if (timedOut.get()) {
        throw new TransportException("handshake with " + connection.peerDescription() + " timed out", e);
      }
      throw e;
    } finally {
      deadline.cancel(false);
    }
  }

  private static PeerClient handshake(Connection connection, ClientOptions o) throws IOException, ChasmException {
    String peer = connection.peerDescription();
    CountingInputStream in = new CountingInputStream(new BufferedInputStream(connection.input(), 64 << 10));
    TimedOutputStream out = new TimedOutputStream(connection.output());
    FrameReader reader = new FrameReader(in, o.limits().maxFrameBytes());
    FrameWriter hsWriter = new FrameWriter(out, WireLimits.MIN_FRAME_BYTES);

    byte[] nonceBytes = new byte[Capabilities.NONCE_BYTES];
    RANDOM.nextBytes(nonceBytes);
    ByteString clientNonce = UnsafeByteOperations.unsafeWrap(nonceBytes);
    ByteString clientKey = o.identity() == null ? ByteString.EMPTY : WireIds.key(o.identity().publicKey());
    List<String> offered = new ArrayList<>(Capabilities.ALL);
    if (!o.acceptZstd()) {
      offered.remove(Capabilities.ZSTD);
    }
    hsWriter.write(Frame.newBuilder().setHello(Hello.newBuilder()
        .setMinVersion(Capabilities.PROTOCOL_VERSION).setMaxVersion(Capabilities.PROTOCOL_VERSION)
        .addAllCapabilities(offered).setNodeKey(clientKey).setNonce(clientNonce).setAgent(o.agent())
        .setMaxFrameBytes(o.limits().maxFrameBytes())).build());

    Frame f = expect(reader.read(), peer, "Welcome");
    if (!f.hasWelcome()) {
      throw new ProtocolException("expected Welcome from " + peer + ", got " + f.getBodyCase());
    }
    Welcome w = f.getWelcome();
    if (w.getVersion() != Capabilities.PROTOCOL_VERSION) {
      throw new ProtocolException(peer + " chose protocol version " + w.getVersion() + ", which was not offered");
    }
    if (!offered.containsAll(w.getCapabilitiesList())) {
      throw new ProtocolException(peer + " chose capabilities that were not offered: " + w.getCapabilitiesList());
    }
    if (w.getNonce().size() != Capabilities.NONCE_BYTES) {
      throw new ProtocolException(peer + " sent a nonce of " + w.getNonce().size() + " bytes");
    }
    if (w.getMaxFrameBytes() < WireLimits.MIN_FRAME_BYTES || w.getMaxOutstanding() < 1 || w.getMaxIdsPerRequest() < 1) {
      throw new ProtocolException(peer + " announced limits below the protocol minimum");
    }
    PublicKey serverKey = null;
    if (!w.getNodeKey().isEmpty()) {
      serverKey = WireIds.key(w.getNodeKey());
      byte[] transcript = Transcripts.server(clientKey, w.getNodeKey(), clientNonce, w.getNonce());
      try {
        o.verifier().verify(serverKey, transcript, w.getProof().toByteArray());
      } catch (SignatureException e) {
        throw new SignatureException(peer + " did not prove its node key " + serverKey.keyId());
      }
    } else if (!w.getProof().isEmpty()) {
      throw new ProtocolException(peer + " sent a proof without a node key");
    }
    if (o.expectedServerKey() != null && !o.expectedServerKey().equals(serverKey)) {
      throw new SignatureException(peer + " is " + (serverKey == null ? "anonymous" : "key " + serverKey.keyId())
          + ", expected key " + o.expectedServerKey().keyId());
    }

    Auth.Builder auth = Auth.newBuilder();
    if (o.identity() != null) {
      byte[] transcript = Transcripts.client(clientKey, w.getNodeKey(), clientNonce, w.getNonce());
      auth.setProof(UnsafeByteOperations.unsafeWrap(o.identity().sign(transcript)));
    }
    hsWriter.write(Frame.newBuilder().setAuth(auth).build());

    Frame r = expect(reader.read(), peer, "Ready");
    if (!r.hasReady()) {
      throw new ProtocolException("expected Ready from " + peer + ", got " + r.getBodyCase());
    }
    Set<Permission> perms = EnumSet.noneOf(Permission.class);
    for (io.chasm.wire.proto.peer.Permission p : r.getReady().getPermissionsList()) {
      Permission known = ProtoEnums.permission(p);
      if (known != null) {
        perms.add(known);
      }
    }
    FrameWriter writer = new FrameWriter(out, Math.min(o.limits().maxFrameBytes(), w.getMaxFrameBytes()));
    return new PeerClient(connection, o, in, out, reader, writer, w, serverKey, perms);
  }

  private static Frame expect(Frame f, String peer, String what) throws ChasmException {
    if (f == null) {
      throw new TransportException(peer + " closed the connection before " + what);
    }
    if (f.hasGoodbye()) {
      Goodbye g = f.getGoodbye();
      throw new PeerErrorException(ProtoEnums.errorCode(g.getCode()), peer + " refused: " + g.getCode() + ": " + g.getMessage());
    }
    return f;
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
    return in.bytesRead();
  }

  /** Bytes sent on this connection so far. */
  public long bytesSent() {
    return out.bytesWritten();
  }

  /** False once the connection failed or was closed. */
  public boolean isOpen() {
    return failure == null;
  }

  // ------------------------------------------------------------------ requests

  /**
   * The newest signed snapshot envelope of a repository, unverified.
   *
   * @return a future of the envelope, or empty if the peer does not hold the repository
   */
  public CompletableFuture<Optional<byte[]>> head(String repository) {
    CompletableFuture<Optional<byte[]>> f = new CompletableFuture<>();
    send(Request.newBuilder().setGetHead(GetHead.newBuilder().setRepository(repository)), new Pending() {
      @Override
      boolean onReply(Reply r) throws ProtocolException {
        switch (r.getKindCase()) {
          case HEAD -> f.complete(Optional.of(r.getHead().getEnvelope().toByteArray()));
          case ERROR -> {
            if (r.getError().getCode() == ErrorCode.NOT_FOUND) {
              f.complete(Optional.empty());
            } else {
              f.completeExceptionally(error(r));
            }
          }
          default -> throw unexpected(r, "GetHead");
        }
        return true;
      }

      @Override
      void fail(Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  /**
   * Trees and file manifests by id, checked by the configured {@link ObjectVerifier}.
   *
   * @return a future of the objects the peer holds, in request order; ids it lacks are absent
   */
  public CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, Collection<ObjectId> ids) {
    Map<ObjectId, byte[]> result = new LinkedHashMap<>();
    List<ObjectId> all = List.copyOf(ids);
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (int from = 0; from < all.size(); from += idsPerRequest) {
      List<ObjectId> batch = all.subList(from, Math.min(all.size(), from + idsPerRequest));
      List<ByteString> wire = new ArrayList<>(batch.size());
      batch.forEach(id -> wire.add(WireIds.objectId(id)));
      CompletableFuture<Void> part = new CompletableFuture<>();
      parts.add(part);
      boolean zstd = options.acceptZstd() && capabilities.contains(Capabilities.ZSTD);
      send(Request.newBuilder().setGetObjects(GetObjects.newBuilder().setRepository(repository).addAllIds(wire).setAcceptZstd(zstd)),
          new ItemsPending(wire, part, "object") {
            @Override
            void deliver(int index, byte[] data) throws ChasmException {
              ObjectId id = batch.get(index);
              options.objectVerifier().verify(id, data);
              synchronized (result) {
                result.put(id, data);
              }
            }
          });
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> result);
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
    List<Hash> all = List.copyOf(ids);
    List<Hash> missing = new ArrayList<>();
    long[] counts = new long[3]; // delivered, wire bytes, raw bytes
    boolean zstd = compressed && options.acceptZstd() && capabilities.contains(Capabilities.ZSTD);
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (int from = 0; from < all.size(); from += idsPerRequest) {
      List<Hash> batch = all.subList(from, Math.min(all.size(), from + idsPerRequest));
      List<ByteString> wire = new ArrayList<>(batch.size());
      batch.forEach(id -> wire.add(WireIds.hash(id)));
      CompletableFuture<Void> part = new CompletableFuture<>();
      parts.add(part);
      GetChunks.Builder req = GetChunks.newBuilder().setRepository(repository).addAllIds(wire).setAcceptZstd(zstd);
      byte[][] held = new byte[batch.size()][];
      for (int i = 0; i < batch.size(); i++) {
        byte[] p = prefixes.apply(batch.get(i));
        if (p != null && p.length > 0) {
          held[i] = p;
          MessageDigest d = batch.get(i).algorithm().newDigest();
          d.update(p);
          Hash h = Hash.finish(batch.get(i).algorithm(), d);
          req.addPrefixes(ChunkPrefix.newBuilder().setIndex(i).setLength(p.length).setHash(WireIds.hash(h)));
        }
      }
      send(Request.newBuilder().setGetChunks(req),
          new ItemsPending(wire, part, "chunk") {
            @Override
            byte[] assemble(int index, int prefixLength, byte[] rest) throws ChasmException {
              byte[] p = held[index];
              if (p == null || p.length != prefixLength) {
                throw new ProtocolException(peer + " sent the rest of chunk " + batch.get(index) + " after a prefix of "
                    + Integer.toUnsignedString(prefixLength) + " bytes that was not offered");
              }
              held[index] = null;
              if ((long) p.length + rest.length > options.limits().maxFrameBytes()) {
                throw new LimitExceededException("chunk " + batch.get(index) + " from " + peer + " exceeds the frame limit");
              }
              byte[] whole = java.util.Arrays.copyOf(p, p.length + rest.length);
              System.arraycopy(rest, 0, whole, p.length, rest.length);
              return whole;
            }

            @Override
            void deliver(int index, byte[] data) throws IOException, ChasmException {
              held[index] = null;
              Hash id = batch.get(index);
              verifyChunk(id, data);
              sink.accept(id, data);
              synchronized (counts) {
                counts[0]++;
                counts[2] += data.length;
              }
            }

            @Override
            void wire(int bytes) {
              synchronized (counts) {
                counts[1] += bytes;
              }
            }

            @Override
            void missing(int index) {
              synchronized (missing) {
                missing.add(batch.get(index));
              }
            }
          });
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
      synchronized (counts) {
        return new ChunkFetch((int) counts[0], missing, counts[1], counts[2]);
      }
    });
  }

  /** Fetches chunks into memory: verified bytes by id, in request order; ids the peer lacks are absent. */
  public CompletableFuture<Map<Hash, byte[]>> chunks(String repository, Collection<Hash> ids) {
    Map<Hash, byte[]> result = new LinkedHashMap<>();
    return chunks(repository, ids, result::put).thenApply(f -> result);
  }

  /** This peer as a {@link ChunkSource} for one repository (one blocking request per read). */
  public ChunkSource asChunkSource(String repository) {
    return id -> {
      try {
        return Optional.ofNullable(chunks(repository, List.of(id)).get().get(id));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransportException("interrupted while fetching chunk " + id);
      } catch (ExecutionException e) {
        throw unwrap(e);
      }
    };
  }

  /** Only the reader thread verifies, so one digest is reused (getInstance per chunk is not free). */
  private MessageDigest sha256;

  private void verifyChunk(Hash id, byte[] data) throws HashMismatchException {
    MessageDigest d;
    if (id.algorithm() == io.chasm.api.HashAlgorithm.SHA_256) {
      if (sha256 == null) {
        sha256 = id.algorithm().newDigest();
      }
      d = sha256;
      d.reset();
    } else {
      d = id.algorithm().newDigest();
    }
    Hash actual = Hash.finish(id.algorithm(), updated(d, data));
    if (!actual.equals(id)) {
      throw new HashMismatchException("chunk " + id + " from " + peer + " does not match its bytes (got " + actual + ")");
    }
  }

  private static MessageDigest updated(MessageDigest d, byte[] data) {
    d.update(data);
    return d;
  }

  /**
   * Subscribes to every new head of a repository: the current one at once (if any), then each new
   * one as the server gets it. Requires capability {@code subscribe}.
   */
  public Subscription subscribe(String repository, HeadListener listener) {
    long[] idHolder = new long[1];
    Pending p = new Pending() {
      @Override
      boolean mayIdle() {
        return true;
      }

      @Override
      boolean onReply(Reply r) throws ProtocolException {
        switch (r.getKindCase()) {
          case HEAD -> {
            byte[] envelope = r.getHead().getEnvelope().toByteArray();
            callbacks.execute(() -> listener.onHead(repository, envelope));
            return false;
          }
          case END -> {
            callbacks.execute(() -> listener.onEnd(null));
            return true;
          }
          case ERROR -> {
            PeerErrorException e = error(r);
            callbacks.execute(() -> listener.onEnd(e));
            return true;
          }
          default -> throw unexpected(r, "Subscribe");
        }
      }

      @Override
      void fail(Throwable t) {
        try {
          callbacks.execute(() -> listener.onEnd(t));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
          // The client is closing; the listener is not called again.
        }
      }
    };
    idHolder[0] = send(Request.newBuilder().setSubscribe(Subscribe.newBuilder().setRepository(repository)), p);
    return () -> {
      if (idHolder[0] != 0 && failure == null && pending.containsKey(idHolder[0])) {
        try {
          writer.write(Frame.newBuilder().setRequest(Request.newBuilder()
              .setId(nextId.getAndIncrement()).setCancel(Cancel.newBuilder().setTargetId(idHolder[0]))).build());
        } catch (IOException | LimitExceededException e) {
          fail(new TransportException("connection to " + peer + " lost: " + e.getMessage(), e));
        }
      }
    };
  }

  /** Peer exchange: endpoints the peer knows hold a snapshot ({@code null} = its current head). */
  public CompletableFuture<List<String>> peers(String repository, Hash snapshot) {
    CompletableFuture<List<String>> f = new CompletableFuture<>();
    GetPeers.Builder g = GetPeers.newBuilder().setRepository(repository);
    if (snapshot != null) {
      g.setSnapshot(WireIds.hash(snapshot));
    }
    send(Request.newBuilder().setGetPeers(g), terminal(f, r -> r.hasPeers() ? List.copyOf(r.getPeers().getEndpointsList()) : null, "GetPeers"));
    return f;
  }

  /**
   * Tells the server a new snapshot exists (needs the ANNOUNCE permission). Fails with a {@link
   * PeerErrorException} of code REJECTED if the server's checks refuse the envelope.
   */
  public CompletableFuture<Void> announce(String repository, byte[] envelope, List<String> holders) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    send(Request.newBuilder().setAnnounce(Announce.newBuilder().setRepository(repository)
        .setEnvelope(UnsafeByteOperations.unsafeWrap(envelope)).addAllHolders(holders)),
        terminal(f, r -> r.hasEnd() ? Boolean.TRUE : null, "Announce"));
    return f.thenApply(x -> (Void) null);
  }

  private interface Extract<T> {
    T from(Reply r);
  }

  @SuppressWarnings("unchecked")
  private <T> Pending terminal(CompletableFuture<? super T> f, Extract<T> extract, String what) {
    return new Pending() {
      @Override
      boolean onReply(Reply r) throws ProtocolException {
        if (r.hasError()) {
          f.completeExceptionally(error(r));
          return true;
        }
        T value = extract.from(r);
        if (value == null) {
          throw unexpected(r, what);
        }
        ((CompletableFuture<Object>) f).complete(value);
        return true;
      }

      @Override
      void fail(Throwable t) {
        f.completeExceptionally(t);
      }
    };
  }

  // ------------------------------------------------------------------ machinery

  /** A request waiting for replies. */
  /** True if a request other than a subscription is outstanding. */
  private boolean busy() {
    for (Pending p : pending.values()) {
      if (!p.mayIdle()) {
        return true;
      }
    }
    return false;
  }

  private long lastBytesSeen;

  /** Runs on the timer thread only. Any byte received counts as progress (a big frame may be slow). */
  private void checkStall() {
    long received = in.bytesRead();
    if (received != lastBytesSeen) {
      lastBytesSeen = received;
      lastProgressNanos = System.nanoTime();
      return;
    }
    long quiet = System.nanoTime() - lastProgressNanos;
    if (failure == null && quiet > options.stallTimeout().toNanos() && busy()) {
      fail(new TransportException(peer + " stopped answering (nothing for "
          + TimeUnit.NANOSECONDS.toMillis(quiet) + " ms with requests outstanding)"));
    }
  }

  private abstract static class Pending {
    /** Subscriptions may wait silently for a long time; other requests may not. */
    boolean mayIdle() {
      return false;
    }

    /** Handles one reply; true if it was the last one. Throws to kill the connection. */
    abstract boolean onReply(Reply r) throws ChasmException;

    abstract void fail(Throwable t);
  }

  /** Item-by-item replies (GetObjects, GetChunks) checked against the ids asked for, in order. */
  private abstract class ItemsPending extends Pending {
    private final List<ByteString> ids;
    private final CompletableFuture<Void> done;
    private final String kind;
    private int next;
    private boolean failed;

    ItemsPending(List<ByteString> ids, CompletableFuture<Void> done, String kind) {
      this.ids = ids;
      this.done = done;
      this.kind = kind;
    }

    abstract void deliver(int index, byte[] data) throws IOException, ChasmException;

    /** Joins an offered prefix and the rest the server sent (§9.17); only chunk requests offer prefixes. */
    byte[] assemble(int index, int prefixLength, byte[] rest) throws ChasmException {
      throw new ProtocolException(peer + " sent a partial " + kind + " that was not asked for");
    }

    void wire(int bytes) {}

    void missing(int index) {}

    @Override
    boolean onReply(Reply r) throws ChasmException {
      switch (r.getKindCase()) {
        case ITEM -> {
          Item item = r.getItem();
          if (next >= ids.size()) {
            throw new ProtocolException(peer + " sent more " + kind + "s than the " + ids.size() + " asked for");
          }
          if (!item.getId().equals(ids.get(next))) {
            throw new ProtocolException(peer + " sent " + kind + " " + next + " out of order or not asked for");
          }
          int index = next++;
          if (failed) {
            return false;
          }
          if (item.getMissing() != ErrorCode.ERROR_CODE_UNSPECIFIED) {
            missing(index);
            return false;
          }
          try {
            byte[] data = decode(item);
            if (item.getPrefixLength() != 0) {
              data = assemble(index, item.getPrefixLength(), data);
            }
            wire(item.getData().size());
            deliver(index, data);
          } catch (ChasmException | IOException e) {
            failed = true;
            done.completeExceptionally(e);
          }
          return false;
        }
        case END -> {
          if (next != ids.size() && !failed) {
            throw new ProtocolException(peer + " ended a reply after " + next + " of " + ids.size() + " " + kind + "s");
          }
          done.complete(null);
          return true;
        }
        case ERROR -> {
          done.completeExceptionally(error(r));
          return true;
        }
        default -> throw unexpected(r, kind + " request");
      }
    }

    @Override
    void fail(Throwable t) {
      done.completeExceptionally(t);
    }
  }

  private byte[] decode(Item item) throws CorruptObjectException, LimitExceededException {
    ByteString data = item.getData();
    switch (item.getCompression()) {
      case NONE -> {
        if (data.size() != item.getRawSize()) {
          throw new CorruptObjectException("item from " + peer + " has " + data.size() + " bytes, raw_size says " + item.getRawSize());
        }
        return data.toByteArray();
      }
      case ZSTD -> {
        if (!options.acceptZstd()) {
          throw new CorruptObjectException(peer + " sent zstd data that was not asked for");
        }
        byte[] packed = data.toByteArray();
        return codec.decompress(packed, 0, packed.length, Integer.toUnsignedLong(item.getRawSize()), options.limits().maxFrameBytes());
      }
      default -> throw new CorruptObjectException(peer + " sent an item with unknown compression " + item.getCompressionValue());
    }
  }

  private PeerErrorException error(Reply r) {
    return new PeerErrorException(ProtoEnums.errorCode(r.getError().getCode()), peer + " replied " + r.getError().getCode() + ": " + r.getError().getMessage());
  }

  private ProtocolException unexpected(Reply r, String what) {
    return new ProtocolException(peer + " answered " + what + " with " + r.getKindCase());
  }

  /** Sends a request; failures go to the pending handler. Returns the request id (0 if not sent). */
  private long send(Request.Builder request, Pending p) {
    ChasmException f = failure;
    if (f != null) {
      p.fail(f);
      return 0;
    }
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.fail(new TransportException("interrupted while waiting for a request slot on " + peer));
      return 0;
    }
    long id = nextId.getAndIncrement();
    if (!busy()) {
      lastProgressNanos = System.nanoTime();
    }
    pending.put(id, p);
    if (failure != null && pending.remove(id) != null) {
      permits.release();
      p.fail(failure);
      return 0;
    }
    try {
      writer.write(Frame.newBuilder().setRequest(request.setId(id)).build());
    } catch (LimitExceededException e) {
      if (pending.remove(id) != null) {
        permits.release();
        p.fail(e);
      }
      return 0;
    } catch (IOException e) {
      fail(new TransportException("connection to " + peer + " lost: " + e.getMessage(), e));
      return 0;
    }
    return id;
  }

  private void readLoop() {
    try (codec) {
      for (Frame f; (f = reader.read()) != null; ) {
        lastProgressNanos = System.nanoTime();
        switch (f.getBodyCase()) {
          case REPLY -> dispatch(f.getReply());
          case GOODBYE -> {
            Goodbye g = f.getGoodbye();
            throw new PeerErrorException(ProtoEnums.errorCode(g.getCode()), peer + " closed the connection: " + g.getCode() + ": " + g.getMessage());
          }
          default -> throw new ProtocolException("unexpected " + f.getBodyCase() + " frame from " + peer);
        }
      }
      fail(new TransportException("connection to " + peer + " closed by the peer"));
    } catch (IOException e) {
      fail(new TransportException("connection to " + peer + " lost: " + e.getMessage(), e));
    } catch (ChasmException e) {
      fail(e);
    } catch (RuntimeException e) {
      fail(new ProtocolException("client failed on a reply from " + peer + ": " + e, e));
    }
  }

  private void dispatch(Reply r) throws ChasmException {
    long id = r.getRequestId();
    Pending p = pending.get(id);
    if (p == null) {
      throw new ProtocolException(peer + " replied to request " + id + ", which is not outstanding");
    }
    if (p.onReply(r) && pending.remove(id) != null) {
      permits.release();
    }
  }

  private void fail(ChasmException cause) {
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = cause;
    }
    closeQuietly(connection);
    if (stallWatch != null) {
      stallWatch.cancel(false);
    }
    for (Long id : List.copyOf(pending.keySet())) {
      Pending p = pending.remove(id);
      if (p != null) {
        permits.release();
        p.fail(cause);
      }
    }
    callbacks.shutdown();
  }

  /** Says Goodbye, closes the connection, fails whatever is outstanding. Idempotent. */
  @Override
  public void close() {
    if (failure == null) {
      try {
        writer.write(Frame.newBuilder().setGoodbye(Goodbye.newBuilder().setMessage("client closing")).build());
      } catch (IOException | LimitExceededException | RuntimeException ignored) {
        // Closing anyway.
      }
    }
    fail(new TransportException("client for " + peer + " was closed"));
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

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // Closing a failed connection; the first error is the one reported.
    }
  }

  @Override
  public String toString() {
    return "PeerClient[" + peer + "]";
  }
}
