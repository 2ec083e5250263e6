package io.chasm.wire.internal.server;

import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.ChasmException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.ProtocolException;
import io.chasm.api.VerificationException;
import io.chasm.wire.Capabilities;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.proto.peer.Announce;
import io.chasm.wire.proto.peer.End;
import io.chasm.wire.proto.peer.Error;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.GetPeers;
import io.chasm.wire.proto.peer.Head;
import io.chasm.wire.proto.peer.Peers;
import io.chasm.wire.proto.peer.Permission;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of one connection after its handshake (SPEC §9), in arrival order on the
 * connection's thread: checks names and counts, routes each kind, and turns a {@link
 * RequestError} into an error reply. Breaches of the protocol itself propagate and end the
 * connection.
 */
final class RequestDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);
  private final String peer;
  private final ServerConfig config;
  private final ReplyWriter replies;
  private final ItemServer items;
  private final ConnectionSubscriptions subs;
  private final Set<String> capabilities;
  private final Set<Permission> permissions;
  private final Consumer<String> onAnnounced;

  RequestDispatcher(String peer, ServerConfig config, ReplyWriter replies, ItemServer items, ConnectionSubscriptions subs,
      ServerHandshake.Agreement agreed, Consumer<String> onAnnounced) {
    this.peer = peer;
    this.config = config;
    this.replies = replies;
    this.items = items;
    this.subs = subs;
    this.capabilities = agreed.capabilities();
    this.permissions = agreed.permissions();
    this.onAnnounced = onAnnounced;
  }

  void handle(Request r) throws IOException, ChasmException {
    long id = r.getId();
    if (id == 0) {
      throw new ProtocolException("request id 0 is reserved");
    }
    if (subs.isOpen(id)) {
      throw new ProtocolException("request id " + id + " is still outstanding (a subscription)");
    }
    try {
      switch (r.getKindCase()) {
        case GET_HEAD -> head(id, name(r.getGetHead().getRepository()), r.getGetHead().getSeenEnvelope());
        case GET_OBJECTS -> {
          String repository = name(r.getGetObjects().getRepository());
          checkCount(r.getGetObjects().getIdsCount());
          items.objects(id, repository, r.getGetObjects());
        }
        case GET_CHUNKS -> {
          String repository = name(r.getGetChunks().getRepository());
          checkCount(r.getGetChunks().getIdsCount());
          items.chunks(id, repository, r.getGetChunks());
        }
        case SUBSCRIBE -> subscribe(id, name(r.getSubscribe().getRepository()));
        case CANCEL -> subs.cancel(r.getCancel().getTargetId());
        case GET_PEERS -> peers(id, r.getGetPeers());
        case ANNOUNCE -> announce(id, r.getAnnounce());
        default -> throw new RequestError(ErrorCode.BAD_REQUEST, "unknown request kind");
      }
    } catch (RequestError e) {
      replies.reply(id, Reply.newBuilder().setError(Error.newBuilder().setCode(e.code).setMessage(e.getMessage())), true);
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

  private void checkCount(int n) throws RequestError {
    if (n > config.limits().maxIdsPerRequest()) {
      throw new RequestError(ErrorCode.LIMIT,
          n + " ids in one request exceed the limit of " + config.limits().maxIdsPerRequest());
    }
  }

  private void head(long id, String repository, com.google.protobuf.ByteString seen) throws IOException, RequestError {
    if (!seen.isEmpty()) {
      HeadGossip.seen(config.backend(), peer, repository, seen.toByteArray());
    }
    Optional<byte[]> head = RequestError.backend(peer, () -> config.backend().head(repository));
    if (head.isEmpty()) {
      throw new RequestError(ErrorCode.NOT_FOUND, "no repository '" + repository + "' here");
    }
    Head.Builder h = headOf(repository, head.get(), holdersOf(config, peer, repository)).toBuilder();
    HeadGossip.proofs(config.backend(), peer, repository).forEach(p -> h.addProofs(UnsafeByteOperations.unsafeWrap(p)));
    replies.reply(id, Reply.newBuilder().setHead(h), true);
  }

  static Head headOf(String repository, byte[] envelope, List<String> holders) {
    return Head.newBuilder().setRepository(repository).setEnvelope(UnsafeByteOperations.unsafeWrap(envelope))
        .addAllHolders(holders).build();
  }

  /**
   * The holders a Head carries (SPEC §9.20): a hint, so a backend that cannot say gives none
   * rather than failing the head it does hold.
   */
  static List<String> holdersOf(ServerConfig config, String peer, String repository) {
    try {
      List<String> h = config.backend().holders(repository, null);
      return h.subList(0, Math.min(h.size(), config.limits().maxPeersPerReply()));
    } catch (IOException | ChasmException | RuntimeException e) {
      LOG.debug("no holders of {} for {}: {}", repository, peer, e.toString());
      return List.of();
    }
  }

  private void subscribe(long id, String repository) throws RequestError {
    if (!capabilities.contains(Capabilities.SUBSCRIBE)) {
      throw new RequestError(ErrorCode.BAD_REQUEST, "capability 'subscribe' was not negotiated");
    }
    subs.subscribe(id, repository);
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
    List<String> holders = RequestError.backend(peer, () -> config.backend().holders(repository, snapshot));
    int n = Math.min(holders.size(), config.limits().maxPeersPerReply());
    replies.reply(id, Reply.newBuilder().setPeers(Peers.newBuilder().addAllEndpoints(holders.subList(0, n))), true);
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
    replies.reply(id, Reply.newBuilder().setEnd(End.getDefaultInstance()), true);
    onAnnounced.accept(repository);
  }
}
