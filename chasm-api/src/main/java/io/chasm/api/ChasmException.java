package io.chasm.api;

/**
 * Root of CHASM's checked exceptions. Messages are one line, name the object or path concerned, and never contain secrets or client addresses.
 */
public class ChasmException extends Exception {
  private static final long serialVersionUID = 1L;

  public ChasmException(String message) {
    super(message);
  }

  public ChasmException(String message, Throwable cause) {
    super(message, cause);
  }
}
