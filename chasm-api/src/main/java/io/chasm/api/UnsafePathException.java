package io.chasm.api;

/**
 * A name or link would escape the tree root or is not a single path component: empty, '.', '..', contains '/' or NUL, or a symlink target pointing outside the root.
 */
public class UnsafePathException extends CorruptObjectException {
  private static final long serialVersionUID = 1L;

  public UnsafePathException(String message) {
    super(message);
  }

  public UnsafePathException(String message, Throwable cause) {
    super(message, cause);
  }
}
