package io.chasm.api;

/**
 * A size or count controlled by the other side exceeded a configured limit (frame size, entries per tree, chunks per file, path depth...).
 */
public class LimitExceededException extends ChasmException {
  private static final long serialVersionUID = 1L;

  public LimitExceededException(String message) {
    super(message);
  }

  public LimitExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}
