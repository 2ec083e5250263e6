package io.chasm.examples.metrics;

import java.util.Locale;

/**
 * A ban's free-text reason reduced to a few categories, so that the {@code reason} tag of {@code
 * chasm_bans_total} has a bounded set of values (the text itself is in the daemon's log).
 */
public final class BanReasons {
  /** Every category, so that each series exists (at 0) before the first ban and rate() works at once. */
  public static final java.util.List<String> CATEGORIES =
      java.util.List.of("verification", "not_held", "stalled", "timeout", "connection", "protocol", "other");

  private BanReasons() {}

  /** One of verification, not_held, stalled, timeout, connection, protocol, other. */
  public static String category(String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    if (r.contains("not-held") || r.contains("not held") || r.contains("claimed")) {
      return "not_held";
    }
    if (r.contains("no progress")) {
      return "stalled";
    }
    if (r.contains("verif") || r.contains("signature") || r.contains("does not match") || r.contains("mismatch")
        || r.contains("hash") || r.contains("corrupt")) {
      return "verification";
    }
    if (r.contains("timed out") || r.contains("timeout")) {
      return "timeout";
    }
    if (r.contains("closed") || r.contains("reset") || r.contains("refused") || r.contains("connect") || r.contains("broken pipe")) {
      return "connection";
    }
    if (r.contains("protocol") || r.contains("frame") || r.contains("unexpected")) {
      return "protocol";
    }
    return "other";
  }
}
