package io.chasm.api;

import java.util.List;

/**
 * The upstream no longer holds content of the snapshot it serves because files of its live tree
 * changed after that snapshot was published (an edit at the origin without a new publish). The
 * cure is at the origin: publish a new snapshot there. The mirror is unchanged by the failed sync.
 */
public class OriginChangedException extends MissingContentException {
  private static final long serialVersionUID = 1L;
  private final String upstream;
  private final long snapshot;

  /**
   * @param upstream the upstream that reported the change (its URI or name)
   * @param snapshot the sequence of the snapshot it serves, 0 when not known
   * @param paths the changed paths it named
   */
  public OriginChangedException(String upstream, long snapshot, List<String> paths) {
    super(message(upstream, snapshot, paths), paths);
    this.upstream = upstream;
    this.snapshot = snapshot;
  }

  private static String message(String upstream, long snapshot, List<String> paths) {
    String since = snapshot > 0 ? "origin changed since snapshot " + snapshot : "origin changed since its last snapshot";
    return "upstream " + upstream + " : " + since + ": " + String.join(", ", paths) + " (publish a new snapshot there)";
  }

  /** The upstream that reported the change. */
  public String upstream() {
    return upstream;
  }

  /** The sequence of the snapshot that upstream serves, 0 when not known. */
  public long snapshot() {
    return snapshot;
  }
}
