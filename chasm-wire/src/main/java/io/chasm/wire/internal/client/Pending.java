package io.chasm.wire.internal.client;

import io.chasm.api.ChasmException;
import io.chasm.wire.proto.peer.Reply;

/** A request waiting for replies. */
public abstract class Pending {
  /** Subscriptions may wait silently for a long time; other requests may not. */
  boolean mayIdle() {
    return false;
  }

  /** Handles one reply; true if it was the last one. Throws to kill the connection. */
  abstract boolean onReply(Reply r) throws ChasmException;

  abstract void fail(Throwable t);
}
