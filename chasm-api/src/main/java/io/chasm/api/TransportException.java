package io.chasm.api;

/**
 * The connection could not be made or was lost. Retrying, possibly with another peer, may succeed.
 */
public class TransportException extends ChasmException {
  private static final long serialVersionUID = 1L;

  public TransportException(String message) {
    super(message);
  }

  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
