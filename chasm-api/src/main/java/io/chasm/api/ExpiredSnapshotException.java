package io.chasm.api;

/**
 * A snapshot's expiry time has passed: a freeze attack, or an origin that stopped publishing.
 */
public class ExpiredSnapshotException extends VerificationException {
  private static final long serialVersionUID = 1L;

  public ExpiredSnapshotException(String message) {
    super(message);
  }

  public ExpiredSnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
