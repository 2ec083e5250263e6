package io.chasm.api;

/**
 * A path asked for is not a regular file of the signed tree: no entry by that name, or a
 * directory or symlink where a file was asked for. The tree itself verified; only the question
 * has no answer in it.
 */
public class PathNotFoundException extends ChasmException {
  private static final long serialVersionUID = 1L;

  public PathNotFoundException(String message) {
    super(message);
  }
}
