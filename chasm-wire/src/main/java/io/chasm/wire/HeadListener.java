package io.chasm.wire;

/**
 * Receives heads pushed by a subscription. The envelope is unverified: verify it against your
 * trust policy before acting on it. Called on the client's callback thread, one at a time, in
 * order; it may make requests on the same client.
 */
@FunctionalInterface
public interface HeadListener {
  void onHead(String repository, byte[] envelope);

  /**
   * A pushed head with the endpoints the server names as also holding it (SPEC §9.20):
   * unverified candidates, possibly empty. By default only the envelope is passed on.
   */
  default void onHead(String repository, byte[] envelope, java.util.List<String> holders) {
    onHead(repository, envelope);
  }

  /** The subscription ended: {@code cause} is null after a cancel, else why (connection lost...). */
  default void onEnd(Throwable cause) {}
}
