package io.chasm.api;

/**
 * An integrity check failed: the data is not what a trusted signature or hash says it must be. Callers must discard the data; retrying the same source is pointless.
 */
public class VerificationException extends ChasmException {
  private static final long serialVersionUID = 1L;

  public VerificationException(String message) {
    super(message);
  }

  public VerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
