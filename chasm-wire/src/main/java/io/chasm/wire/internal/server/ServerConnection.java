package io.chasm.wire.internal.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.ChasmException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.ProtocolException;
import io.chasm.api.SignatureException;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.transport.Connection;
import io.chasm.wire.Capabilities;
import io.chasm.wire.WireLimits;
import io.chasm.wire.internal.ChunkCodec;
import io.chasm.wire.internal.Transcripts;
import io.chasm.wire.internal.TimedOutputStream;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.internal.frame.FrameReader;
import io.chasm.wire.internal.frame.FrameWriter;
import io.chasm.wire.proto.peer.AccessPolicy;
import io.chasm.wire.proto.peer.Announce;
import io.chasm.wire.proto.peer.Auth;
import io.chasm.wire.proto.peer.ChunkPrefix;
import io.chasm.wire.proto.peer.Compression;
import io.chasm.wire.proto.peer.End;
import io.chasm.wire.proto.peer.Error;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.GetChunks;
import io.chasm.wire.proto.peer.GetObjects;
import io.chasm.wire.proto.peer.GetPeers;
import io.chasm.wire.proto.peer.Goodbye;
import io.chasm.wire.proto.peer.Head;
import io.chasm.wire.proto.peer.Hello;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.Peers;
import io.chasm.wire.proto.peer.Permission;
import io.chasm.wire.proto.peer.Ready;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import io.chasm.wire.proto.peer.Welcome;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on the server: handshake, then requests answered in arrival order on
 * this connection's thread (pipelining fills the pipe; TCP flow control bounds what a client can
 * queue). Subscription pushes come from other threads through the same thread-safe writer.
 */
public final class ServerConnection implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Bytes a reply frame adds around an item's data: ids, tags, lengths; generous. */
  private static final int ITEM_OVERHEAD = 256;
  /** Chunks asked of the backend at once: lets a relay pipeline, bounds what one connection holds (16 × 256 KiB). */
  private static final int CHUNK_BATCH = 16;

  private final Connection connection;
  private final ServerConfig config;
  private final Subscriptions subscriptions;
  private final Consumer<ServerConnection> onClose;
  private final Consumer<String> onAnnounced;
  private final TimedOutputStream out;
  private final FrameWriter writer;
  private final long startNanos = System.nanoTime();
  private final Map<Long, Subscriptions.Sub> subs = new ConcurrentHashMap<>();
  /** Used by this connection's thread only (items are built there). */
  private final ChunkCodec codec = new ChunkCodec();
  private volatile boolean handshakeDone;
  private volatile boolean closed;
  private Set<String> capabilities = Set.of();
  /** Largest frame the client accepts (Hello.max_frame_bytes, capped by ours). */
  private int sendLimit;
  private Set<Permission> permissions = EnumSet.noneOf(Permission.class);

  public ServerConnection(
      Connection connection,
      ServerConfig config,
      Subscriptions subscriptions,
      Consumer<ServerConnection> onClose,
      Consumer<String> onAnnounced)
      throws IOException {
    this.connection = connection;
    this.config = config;
    this.subscriptions = subscriptions;
    this.onClose = onClose;
    this.onAnnounced = onAnnounced;
    this.out = new TimedOutputStream(connection.output());
    this.writer = new FrameWriter(out, config.limits().maxFrameBytes());
  }

  public String peer() {
    return connection.peerDescription();
  }

  @Override
  public void run() {
    try (codec) {
      FrameReader reader =
          new FrameReader(new BufferedInputStream(connection.input(), 64 << 10), config.limits().maxRequestFrameBytes());
      if (!handshake(reader)) {
        return;
      }
      for (Frame f; (f = reader.read()) != null; ) {
        switch (f.getBodyCase()) {
          case REQUEST -> handle(f.getRequest());
          case GOODBYE -> {
            return;
          }
          default -> throw new ProtocolException("unexpected " + f.getBodyCase() + " frame from a client");
        }
      }
    } catch (LimitExceededException e) {
      goodbye(ErrorCode.LIMIT, e.getMessage());
    } catch (ChasmException e) {
      goodbye(ErrorCode.BAD_REQUEST, e.getMessage());
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("connection {} lost: {}", peer(), e.toString());
      }
    } catch (RuntimeException e) {
      LOG.warn("connection {} failed", peer(), e);
      goodbye(ErrorCode.INTERNAL, "internal error");
    } finally {
      close();
    }
  }

  // ------------------------------------------------------------------ handshake (SPEC §8)

  private boolean handshake(FrameReader reader) throws IOException, ChasmException {
    Frame first = reader.read();
    if (first == null) {
      return false;
    }
    if (!first.hasHello()) {
      throw new ProtocolException("expected Hello, got " + first.getBodyCase());
    }
    Hello hello = first.getHello();
    if (hello.getMinVersion() > hello.getMaxVersion()) {
      throw new ProtocolException("Hello version range " + hello.getMinVersion() + ".." + hello.getMaxVersion() + " is empty");
    }
    if (hello.getMinVersion() > Capabilities.PROTOCOL_VERSION || hello.getMaxVersion() < Capabilities.PROTOCOL_VERSION) {
      goodbye(ErrorCode.UNSUPPORTED_VERSION, "this server speaks version " + Capabilities.PROTOCOL_VERSION
          + ", client " + hello.getMinVersion() + ".." + hello.getMaxVersion());
      return false;
    }
    if (hello.getNonce().size() != Capabilities.NONCE_BYTES) {
      throw new ProtocolException("Hello nonce must be " + Capabilities.NONCE_BYTES + " bytes, got " + hello.getNonce().size());
    }
    int clientMax = hello.getMaxFrameBytes() == 0 ? WireLimits.DEFAULT_MAX_FRAME_BYTES : hello.getMaxFrameBytes();
    if (Integer.toUnsignedLong(clientMax) < WireLimits.MIN_FRAME_BYTES) {
      throw new ProtocolException("Hello max_frame_bytes " + Integer.toUnsignedString(clientMax) + " is below the minimum of " + WireLimits.MIN_FRAME_BYTES);
    }
    sendLimit = (int) Math.min(config.limits().maxFrameBytes(), Integer.toUnsignedLong(clientMax));
    checkTexts("capabilities", hello.getCapabilitiesList());
    checkTexts("agent", List.of(hello.getAgent()));
    PublicKey clientKey = hello.getNodeKey().isEmpty() ? null : WireIds.key(hello.getNodeKey());

    List<String> common = new ArrayList<>();
    for (String c : config.capabilities()) {
      if (hello.getCapabilitiesList().contains(c)) {
        common.add(c);
      }
    }
    capabilities = Set.copyOf(common);
    byte[] nonce = new byte[Capabilities.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    ByteString serverNonce = UnsafeByteOperations.unsafeWrap(nonce);
    ByteString serverKey = config.identity() == null ? ByteString.EMPTY : WireIds.key(config.identity().publicKey());
    Welcome.Builder w = Welcome.newBuilder()
        .setVersion(Capabilities.PROTOCOL_VERSION)
        .addAllCapabilities(common)
        .setNodeKey(serverKey)
        .setNonce(serverNonce)
        .setPolicy(config.allowlist() == null ? AccessPolicy.OPEN_READ_ONLY : AccessPolicy.ALLOWLIST)
        .setMaxFrameBytes(config.limits().maxRequestFrameBytes())
        .setMaxOutstanding(config.limits().maxOutstanding())
        .setMaxIdsPerRequest(config.limits().maxIdsPerRequest())
        .setAgent(config.agent());
    if (config.identity() != null) {
      byte[] transcript = Transcripts.server(hello.getNodeKey(), serverKey, hello.getNonce(), serverNonce);
      w.setProof(UnsafeByteOperations.unsafeWrap(config.identity().sign(transcript)));
    }
    writer.write(Frame.newBuilder().setWelcome(w).build());

    Frame second = reader.read();
    if (second == null) {
      return false;
    }
    if (!second.hasAuth()) {
      throw new ProtocolException("expected Auth, got " + second.getBodyCase());
    }
    Auth auth = second.getAuth();
    boolean proven = false;
    if (clientKey != null) {
      byte[] transcript = Transcripts.client(hello.getNodeKey(), serverKey, hello.getNonce(), serverNonce);
      try {
        config.verifier().verify(clientKey, transcript, auth.getProof().toByteArray());
        proven = true;
      } catch (SignatureException e) {
        goodbye(ErrorCode.BAD_PROOF, "client proof does not verify for key " + clientKey.keyId());
        return false;
      }
    } else if (!auth.getProof().isEmpty()) {
      throw new ProtocolException("Auth carries a proof but Hello named no key");
    }
    if (config.allowlist() != null && !(proven && (config.allowlist().contains(clientKey) || config.announcers().contains(clientKey)))) {
      goodbye(ErrorCode.UNAUTHORIZED, clientKey == null ? "this server serves only allowlisted keys"
          : "key " + clientKey.keyId() + " is not on this server's allowlist");
      return false;
    }
    permissions = EnumSet.of(Permission.READ);
    if (config.anyoneMayAnnounce() || (proven && config.announcers().contains(clientKey))) {
      permissions.add(Permission.ANNOUNCE);
    }
    writer.write(Frame.newBuilder().setReady(Ready.newBuilder().addAllPermissions(permissions)).build());
    handshakeDone = true;
    LOG.debug("connection {} ready (key {}, permissions {})", peer(), clientKey == null ? "anonymous" : clientKey.keyId(), permissions);
    return true;
  }

  private static void checkTexts(String what, List<String> texts) throws LimitExceededException {
    if (texts.size() > Capabilities.MAX_CAPABILITIES) {
      throw new LimitExceededException(what + ": " + texts.size() + " entries, over the limit of " + Capabilities.MAX_CAPABILITIES);
    }
    for (String t : texts) {
      if (t.length() > Capabilities.MAX_TEXT_BYTES) {
        throw new LimitExceededException(what + ": an entry of " + t.length() + " characters, over the limit of " + Capabilities.MAX_TEXT_BYTES);
      }
    }
  }

  // ------------------------------------------------------------------ requests (SPEC §9)

  /** A request failed with a code; the message goes to the client. */
  private static final class RequestError extends Exception {
    private static final long serialVersionUID = 1L;
    final ErrorCode code;

    RequestError(ErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private void handle(Request r) throws IOException, ChasmException {
    long id = r.getId();
    if (id == 0) {
      throw new ProtocolException("request id 0 is reserved");
    }
    if (subs.containsKey(id)) {
      throw new ProtocolException("request id " + id + " is still outstanding (a subscription)");
    }
    try {
      switch (r.getKindCase()) {
        case GET_HEAD -> head(id, name(r.getGetHead().getRepository()));
        case GET_OBJECTS -> objects(id, r.getGetObjects());
        case GET_CHUNKS -> chunks(id, r.getGetChunks());
        case SUBSCRIBE -> subscribe(id, name(r.getSubscribe().getRepository()));
        case CANCEL -> cancel(r.getCancel().getTargetId());
        case GET_PEERS -> peers(id, r.getGetPeers());
        case ANNOUNCE -> announce(id, r.getAnnounce());
        default -> throw new RequestError(ErrorCode.BAD_REQUEST, "unknown request kind");
      }
    } catch (RequestError e) {
      reply(id, Reply.newBuilder().setError(Error.newBuilder().setCode(e.code).setMessage(e.getMessage())), true);
    }
  }

  private String name(String repository) throws RequestError {
    if (repository.isEmpty()) {
      throw new RequestError(ErrorCode.BAD_REQUEST, "empty repository name");
    }
    int bytes = repository.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > config.limits().maxNameBytes()) {
      throw new RequestError(ErrorCode.LIMIT,
          "repository name of " + bytes + " bytes exceeds the limit of " + config.limits().maxNameBytes());
    }
    for (int i = 0; i < repository.length(); i++) {
      if (Character.isISOControl(repository.charAt(i))) {
        throw new RequestError(ErrorCode.BAD_REQUEST, "repository name contains a control character");
      }
    }
    return repository;
  }

  private void head(long id, String repository) throws IOException, RequestError {
    Optional<byte[]> head = backend(() -> config.backend().head(repository));
    if (head.isEmpty()) {
      throw new RequestError(ErrorCode.NOT_FOUND, "no repository '" + repository + "' here");
    }
    reply(id, Reply.newBuilder().setHead(headOf(repository, head.get())), true);
  }

  private static Head headOf(String repository, byte[] envelope) {
    return Head.newBuilder().setRepository(repository).setEnvelope(UnsafeByteOperations.unsafeWrap(envelope)).build();
  }

  private void checkCount(int n) throws RequestError {
    if (n > config.limits().maxIdsPerRequest()) {
      throw new RequestError(ErrorCode.LIMIT,
          n + " ids in one request exceed the limit of " + config.limits().maxIdsPerRequest());
    }
  }

  private void objects(long id, GetObjects r) throws IOException, RequestError {
    String repository = name(r.getRepository());
    checkCount(r.getIdsCount());
    List<ObjectId> ids = new ArrayList<>(r.getIdsCount());
    for (ByteString b : r.getIdsList()) {
      try {
        ObjectId oid = WireIds.objectId(b);
        if (oid.kind() == ObjectKind.CHUNK) {
          throw new RequestError(ErrorCode.BAD_REQUEST, "chunks are fetched with GetChunks, not GetObjects");
        }
        ids.add(oid);
      } catch (CorruptObjectException e) {
        throw new RequestError(ErrorCode.BAD_REQUEST, "bad object id: " + e.getMessage());
      }
    }
    boolean zstd = r.getAcceptZstd() && capabilities.contains(Capabilities.ZSTD);
    for (int i = 0; i < ids.size(); i++) {
      ObjectId oid = ids.get(i);
      Optional<byte[]> data = backend(() -> config.backend().object(repository, oid));
      reply(id, Reply.newBuilder().setItem(item(r.getIds(i), data, zstd, 0)), false);
    }
    reply(id, Reply.newBuilder().setEnd(End.getDefaultInstance()), true);
  }

  private void chunks(long id, GetChunks r) throws IOException, RequestError {
    String repository = name(r.getRepository());
    checkCount(r.getIdsCount());
    List<Hash> ids = new ArrayList<>(r.getIdsCount());
    for (ByteString b : r.getIdsList()) {
      try {
        ids.add(WireIds.hash(b));
      } catch (CorruptObjectException e) {
        throw new RequestError(ErrorCode.BAD_REQUEST, "bad chunk id: " + e.getMessage());
      }
    }
    boolean zstd = r.getAcceptZstd() && capabilities.contains(Capabilities.ZSTD);
    ChunkPrefix[] prefixes = prefixes(r);
    for (int from = 0; from < ids.size(); from += CHUNK_BATCH) {
      List<Hash> batch = ids.subList(from, Math.min(ids.size(), from + CHUNK_BATCH));
      List<Optional<byte[]>> data = backend(() -> config.backend().chunks(repository, batch));
      if (data.size() != batch.size()) {
        throw new RequestError(ErrorCode.INTERNAL, "the server failed to read the data");
      }
      for (int i = 0; i < batch.size(); i++) {
        Optional<byte[]> d = data.get(i);
        ChunkPrefix p = prefixes == null ? null : prefixes[from + i];
        int skip = p != null && d.isPresent() && prefixMatches(d.get(), p, batch.get(i).algorithm()) ? p.getLength() : 0;
        reply(id, Reply.newBuilder().setItem(item(r.getIds(from + i), d, zstd, skip)), false);
      }
    }
    reply(id, Reply.newBuilder().setEnd(End.getDefaultInstance()), true);
  }

  /** The prefixes offered, by index into the ids (SPEC §9.17); null when none. */
  private static ChunkPrefix[] prefixes(GetChunks r) throws RequestError {
    if (r.getPrefixesCount() == 0) {
      return null;
    }
    ChunkPrefix[] out = new ChunkPrefix[r.getIdsCount()];
    for (ChunkPrefix p : r.getPrefixesList()) {
      if (p.getIndex() >= out.length || out[p.getIndex()] != null || p.getLength() == 0) {
        throw new RequestError(ErrorCode.BAD_REQUEST, "bad chunk prefix (index out of range or repeated, or length 0)");
      }
      out[p.getIndex()] = p;
    }
    return out;
  }

  /** True if the chunk's first {@code p.length} bytes hash to {@code p.hash} (any other hash: no match). */
  private static boolean prefixMatches(byte[] chunk, ChunkPrefix p, HashAlgorithm alg) {
    int n = p.getLength();
    if (Integer.compareUnsigned(n, chunk.length) > 0) {
      return false;
    }
    MessageDigest d = alg.newDigest();
    d.update(chunk, 0, n);
    byte[] want = p.getHash().toByteArray();
    byte[] got = d.digest();
    return want.length == got.length + 1 && (want[0] & 0xff) == alg.code()
        && MessageDigest.isEqual(Arrays.copyOfRange(want, 1, want.length), got);
  }

  private Item item(ByteString id, Optional<byte[]> data, boolean zstd, int skip) {
    Item.Builder b = Item.newBuilder().setId(id);
    if (data.isEmpty()) {
      return b.setMissing(ErrorCode.NOT_FOUND).build();
    }
    byte[] raw = data.get();
    if (skip > 0) {
      raw = Arrays.copyOfRange(raw, skip, raw.length);
      b.setPrefixLength(skip);
    }
    if (raw.length + ITEM_OVERHEAD > sendLimit) {
      return b.setMissing(ErrorCode.LIMIT).build();
    }
    b.setRawSize(raw.length);
    byte[] packed = zstd ? codec.compressIfSmaller(raw) : null;
    if (packed != null) {
      return b.setData(UnsafeByteOperations.unsafeWrap(packed)).setCompression(Compression.ZSTD).build();
    }
    return b.setData(UnsafeByteOperations.unsafeWrap(raw)).build();
  }

  private void subscribe(long id, String repository) throws IOException, RequestError {
    if (!capabilities.contains(Capabilities.SUBSCRIBE)) {
      throw new RequestError(ErrorCode.BAD_REQUEST, "capability 'subscribe' was not negotiated");
    }
    if (subs.size() >= config.limits().maxOutstanding()) {
      throw new RequestError(ErrorCode.LIMIT,
          "more than " + config.limits().maxOutstanding() + " subscriptions on one connection");
    }
    Subscriptions.Sub s = subscriptions.add(this, id, repository);
    subs.put(id, s);
    Optional<byte[]> head = backend(() -> config.backend().head(repository));
    if (head.isPresent()) {
      push(s, head.get());
    }
  }

  /** Sends {@code envelope} to a subscriber unless it already has it. */
  void push(Subscriptions.Sub s, byte[] envelope) {
    if (closed || !s.shouldSend(Hash.sha256(envelope))) {
      return;
    }
    try {
      reply(s.requestId, Reply.newBuilder().setHead(headOf(s.repository, envelope)), true);
    } catch (IOException e) {
      LOG.debug("push to {} failed: {}", peer(), e.toString());
      close();
    }
  }

  private void cancel(long target) throws IOException {
    Subscriptions.Sub s = subs.remove(target);
    if (s != null) {
      subscriptions.remove(s);
      reply(target, Reply.newBuilder().setEnd(End.getDefaultInstance()), true);
    }
  }

  private void peers(long id, GetPeers r) throws IOException, RequestError {
    String repository = name(r.getRepository());
    if (!capabilities.contains(Capabilities.PEER_EXCHANGE)) {
      throw new RequestError(ErrorCode.BAD_REQUEST, "capability 'peer-exchange' was not negotiated");
    }
    Hash snapshot;
    try {
      snapshot = r.getSnapshot().isEmpty() ? null : WireIds.hash(r.getSnapshot());
    } catch (CorruptObjectException e) {
      throw new RequestError(ErrorCode.BAD_REQUEST, "bad snapshot id: " + e.getMessage());
    }
    List<String> holders = backend(() -> config.backend().holders(repository, snapshot));
    int n = Math.min(holders.size(), config.limits().maxPeersPerReply());
    reply(id, Reply.newBuilder().setPeers(Peers.newBuilder().addAllEndpoints(holders.subList(0, n))), true);
  }

  private void announce(long id, Announce a) throws IOException, RequestError {
    String repository = name(a.getRepository());
    if (!capabilities.contains(Capabilities.ANNOUNCE)) {
      throw new RequestError(ErrorCode.BAD_REQUEST, "capability 'announce' was not negotiated");
    }
    if (!permissions.contains(Permission.ANNOUNCE)) {
      throw new RequestError(ErrorCode.UNAUTHORIZED, "this connection may not announce");
    }
    if (a.getEnvelope().isEmpty()) {
      throw new RequestError(ErrorCode.BAD_REQUEST, "empty envelope");
    }
    if (a.getHoldersCount() > config.limits().maxPeersPerReply()) {
      throw new RequestError(ErrorCode.LIMIT, a.getHoldersCount() + " holders exceed the limit of " + config.limits().maxPeersPerReply());
    }
    try {
      config.backend().announce(repository, a.getEnvelope().toByteArray(), List.copyOf(a.getHoldersList()));
    } catch (VerificationException e) {
      throw new RequestError(ErrorCode.REJECTED, e.getMessage());
    } catch (UnsupportedOperationException e) {
      throw new RequestError(ErrorCode.BAD_REQUEST, e.getMessage());
    } catch (ChasmException e) {
      throw new RequestError(ErrorCode.INTERNAL, e.getMessage());
    }
    reply(id, Reply.newBuilder().setEnd(End.getDefaultInstance()), true);
    onAnnounced.accept(repository);
  }

  private interface BackendCall<T> {
    T call() throws IOException, ChasmException;
  }

  /** Backend failures become INTERNAL for the client; details stay in our log. */
  private <T> T backend(BackendCall<T> call) throws RequestError {
    try {
      return call.call();
    } catch (LimitExceededException e) {
      throw new RequestError(ErrorCode.LIMIT, e.getMessage());
    } catch (IOException | ChasmException | RuntimeException e) {
      LOG.warn("backend failed serving {}: {}", peer(), e.toString());
      throw new RequestError(ErrorCode.INTERNAL, "the server failed to read the data");
    }
  }

  private void reply(long id, Reply.Builder r, boolean flush) throws IOException {
    try {
      writer.write(Frame.newBuilder().setReply(r.setRequestId(id)).build(), flush);
    } catch (LimitExceededException e) {
      // Only a huge envelope or peer list can get here; items are size-checked before.
      Frame error = Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(id).setError(
          Error.newBuilder().setCode(ErrorCode.LIMIT).setMessage(e.getMessage()))).build();
      try {
        writer.write(error, true);
      } catch (LimitExceededException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /** Sends a Goodbye (best effort) and closes. */
  public void goodbye(ErrorCode code, String message) {
    try {
      writer.write(Frame.newBuilder().setGoodbye(Goodbye.newBuilder().setCode(code).setMessage(message)).build());
    } catch (IOException | LimitExceededException | RuntimeException ignored) {
      // The peer may be gone already; closing is what matters.
    }
    close();
  }

  /** True if the handshake is overdue or a write has been blocked too long. */
  public boolean stuck(long now) {
    return (!handshakeDone && now - startNanos > config.handshakeTimeout().toNanos())
        || out.blockedLongerThan(config.writeTimeout().toNanos(), now);
  }

  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Subscriptions.Sub s : subs.values()) {
      subscriptions.remove(s);
    }
    subs.clear();
    try {
      connection.close();
    } catch (IOException ignored) {
      // Closing a broken connection may fail; it is closed either way.
    }
    onClose.accept(this);
  }
}
