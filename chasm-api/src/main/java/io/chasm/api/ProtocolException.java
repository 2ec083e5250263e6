package io.chasm.api;

/**
 * The peer broke the protocol: an unexpected message, a bad handshake, an unknown version, or an error reply.
 */
public class ProtocolException extends ChasmException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
