package io.chasm.wire;

/** A live subscription; {@link #close()} cancels it (the listener then gets {@code onEnd(null)}). */
public interface Subscription extends AutoCloseable {
  /** Sends Cancel; idempotent; never throws (a lost connection ends the subscription anyway). */
  @Override
  void close();
}
