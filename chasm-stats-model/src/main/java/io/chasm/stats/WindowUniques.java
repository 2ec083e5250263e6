package io.chasm.stats;

/**
 * Unique downloaders of one window over everything a scan read: a figure always says which
 * window it covers, since each window has its own secret and a client counts once per window.
 */
public record WindowUniques(Window window, long index, long uniqueDownloaders) {
  /** "2026-11-03", "2026-W45", "2026-11". */
  public String label() {
    return window.label(index);
  }

  /** Unix seconds. */
  public long start() {
    return window.start(index);
  }
}
