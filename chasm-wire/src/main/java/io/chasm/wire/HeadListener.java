package io.chasm.wire;

/**
 * Receives heads pushed by a subscription. The envelope is unverified: verify it against your
 * trust policy before acting on it. Called on the client's callback thread, one at a time, in
 * order; it may make requests on the same client.
 */
@FunctionalInterface
public interface HeadListener {
  void onHead(String repository, byte[] envelope);

  /** The subscription ended: {@code cause} is null after a cancel, else why (connection lost...). */
  default void onEnd(Throwable cause) {}
}
