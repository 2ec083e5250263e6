package io.chasm.wire.internal.server;

import io.chasm.wire.proto.peer.End;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Reply;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The subscriptions of one connection (SPEC §9.10): open them, cancel them, drop them all on close. */
final class ConnectionSubscriptions {
  private final ServerConnection connection;
  private final ServerConfig config;
  private final Subscriptions all;
  private final ReplyWriter replies;
  private final Map<Long, Subscriptions.Sub> subs = new ConcurrentHashMap<>();

  ConnectionSubscriptions(ServerConnection connection, ServerConfig config, Subscriptions all, ReplyWriter replies) {
    this.connection = connection;
    this.config = config;
    this.all = all;
    this.replies = replies;
  }

  /** True while any subscription is open: a request in flight, so the connection is not idle. */
  boolean any() {
    return !subs.isEmpty();
  }

  boolean isOpen(long requestId) {
    return subs.containsKey(requestId);
  }

  /** Opens a subscription and pushes the current head at once, if there is one. */
  void subscribe(long id, String repository) throws RequestError {
    if (subs.size() >= config.limits().maxOutstanding()) {
      throw new RequestError(ErrorCode.LIMIT,
          "more than " + config.limits().maxOutstanding() + " subscriptions on one connection");
    }
    Subscriptions.Sub s = all.add(connection, id, repository);
    subs.put(id, s);
    Optional<byte[]> head = RequestError.backend(connection.peer(), () -> config.backend().head(repository));
    if (head.isPresent()) {
      connection.push(s, head.get());
    }
  }

  void cancel(long target) throws IOException {
    Subscriptions.Sub s = subs.remove(target);
    if (s != null) {
      all.remove(s);
      replies.reply(target, Reply.newBuilder().setEnd(End.getDefaultInstance()), true);
    }
  }

  void closeAll() {
    for (Subscriptions.Sub s : subs.values()) {
      all.remove(s);
    }
    subs.clear();
  }
}
