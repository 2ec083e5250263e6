package io.chasm.wire.internal.client;

import io.chasm.api.ProtocolException;
import io.chasm.wire.PeerErrorException;
import io.chasm.wire.internal.ProtoEnums;
import io.chasm.wire.proto.peer.Reply;
import java.util.concurrent.CompletableFuture;

/** What the client makes of replies that end a request: an error, a surprise, or one value. */
final class Replies {
  private Replies() {}

  interface Extract<T> {
    T from(Reply r);
  }

  static PeerErrorException error(String peer, Reply r) {
    return new PeerErrorException(ProtoEnums.errorCode(r.getError().getCode()),
        peer + " replied " + r.getError().getCode() + ": " + r.getError().getMessage());
  }

  static ProtocolException unexpected(String peer, Reply r, String what) {
    return new ProtocolException(peer + " answered " + what + " with " + r.getKindCase());
  }

  /** A request answered by one reply: {@code extract} returns its value, or null if the kind is wrong. */
  @SuppressWarnings("unchecked")
  static <T> Pending terminal(String peer, CompletableFuture<? super T> f, Extract<T> extract, String what) {
    return new Pending() {
      @Override
      boolean onReply(Reply r) throws ProtocolException {
        if (r.hasError()) {
          f.completeExceptionally(error(peer, r));
          return true;
        }
        T value = extract.from(r);
        if (value == null) {
          throw unexpected(peer, r, what);
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
}
