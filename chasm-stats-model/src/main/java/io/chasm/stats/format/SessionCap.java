package io.chasm.stats.format;

import io.chasm.stats.LogReader;
import java.util.Arrays;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Keeps a daemon reader's table of open sessions (by pid) under its cap without dropping the
 * sessions still in progress: a daemon that never logs session ends must not grow the table
 * without bound, but emptying it at the cap lost every live session's total (a busy rsync daemon
 * with tens of thousands of sessions a day). Sessions past {@link LogReader#SESSION_MAX_AGE}
 * go first (they are forgotten on their next line anyway); if that frees nothing, the older half.
 */
final class SessionCap {
  private SessionCap() {}

  /**
   * Makes room for one more session when {@code sessions} holds {@code cap} or more.
   *
   * @param newest the latest log time read so far (epoch seconds)
   */
  static <S> void makeRoom(Map<Integer, S> sessions, int cap, long newest, ToLongFunction<S> timeOf) {
    if (sessions.size() < cap) {
      return;
    }
    sessions.values().removeIf(s -> timeOf.applyAsLong(s) < newest - LogReader.SESSION_MAX_AGE);
    if (sessions.size() < cap) {
      return;
    }
    long[] times = sessions.values().stream().mapToLong(timeOf).toArray();
    Arrays.sort(times);
    long median = times[times.length / 2];
    sessions.values().removeIf(s -> timeOf.applyAsLong(s) < median);
    if (sessions.size() >= cap) {
      sessions.clear(); // more than half began in the same second: nothing older to prefer
    }
  }
}
