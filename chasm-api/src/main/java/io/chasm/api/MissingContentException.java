package io.chasm.api;

import java.util.List;

/**
 * No usable source holds content a sync needs. The mirror is unchanged by the sync that fails with
 * it; {@link #paths()} names the files that could not be completed.
 */
public class MissingContentException extends ChasmException {
  private static final long serialVersionUID = 1L;
  private final List<String> paths;

  public MissingContentException(String message, List<String> paths) {
    super(message);
    this.paths = List.copyOf(paths);
  }

  /** Tree paths of the files whose content is missing (possibly truncated to the first few). */
  public List<String> paths() {
    return paths;
  }
}
