package io.chasm.api;

/**
 * An encoded object (tree, manifest, snapshot, index, frame payload) is malformed: truncated, unsorted, unknown version or code, trailing bytes.
 */
public class CorruptObjectException extends VerificationException {
  private static final long serialVersionUID = 1L;

  public CorruptObjectException(String message) {
    super(message);
  }

  public CorruptObjectException(String message, Throwable cause) {
    super(message, cause);
  }
}
