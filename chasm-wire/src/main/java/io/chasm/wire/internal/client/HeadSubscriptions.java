package io.chasm.wire.internal.client;

import io.chasm.api.ProtocolException;
import io.chasm.wire.HeadListener;
import io.chasm.wire.PeerErrorException;
import io.chasm.wire.Subscription;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import io.chasm.wire.proto.peer.Subscribe;
import java.util.concurrent.RejectedExecutionException;

/**
 * Subscriptions to new heads: a request that stays open, may be quiet for a long time without
 * counting as a stall, and calls its listener off the reader thread.
 */
public final class HeadSubscriptions {
  private HeadSubscriptions() {}

  public static Subscription subscribe(RequestPipeline pipeline, String repository, HeadListener listener) {
    String peer = pipeline.peer();
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
            java.util.List<String> holders = java.util.List.copyOf(r.getHead().getHoldersList());
            pipeline.callbacks().execute(() -> listener.onHead(repository, envelope, holders));
            return false;
          }
          case END -> {
            pipeline.callbacks().execute(() -> listener.onEnd(null));
            return true;
          }
          case ERROR -> {
            PeerErrorException e = Replies.error(peer, r);
            pipeline.callbacks().execute(() -> listener.onEnd(e));
            return true;
          }
          default -> throw Replies.unexpected(peer, r, "Subscribe");
        }
      }

      @Override
      void fail(Throwable t) {
        try {
          pipeline.callbacks().execute(() -> listener.onEnd(t));
        } catch (RejectedExecutionException closing) {
          // The client is closing; the listener is not called again.
        }
      }
    };
    idHolder[0] = pipeline.send(Request.newBuilder().setSubscribe(Subscribe.newBuilder().setRepository(repository)), p);
    return () -> {
      if (idHolder[0] != 0 && pipeline.isOutstanding(idHolder[0])) {
        pipeline.cancel(idHolder[0]);
      }
    };
  }
}
