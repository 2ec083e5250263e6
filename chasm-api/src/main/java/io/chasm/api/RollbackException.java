package io.chasm.api;

/**
 * A snapshot's sequence number is not greater than the last one accepted: a replay or rollback attack, or a stale source.
 */
public class RollbackException extends VerificationException {
  private static final long serialVersionUID = 1L;

  public RollbackException(String message) {
    super(message);
  }

  public RollbackException(String message, Throwable cause) {
    super(message, cause);
  }
}
