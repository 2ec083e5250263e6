package io.chasm.api;

/**
 * Content hashed to a different id than the one it was requested or referenced by (a tampered or corrupted chunk, file or tree).
 */
public class HashMismatchException extends VerificationException {
  private static final long serialVersionUID = 1L;

  public HashMismatchException(String message) {
    super(message);
  }

  public HashMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
