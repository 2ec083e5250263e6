package io.chasm.stats.internal;

import io.chasm.stats.LogRecord;
import io.chasm.stats.StatsDelta;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * DNF {@code countme=N} requests of one worker and step, by (Monday-aligned week, artifact,
 * bucket, label from the {@code libdnf (...)} user agent).
 */
final class CountmeCounter {
  private static final byte[] COUNTME = Bytes.ascii("countme=");

  private final Map<String, long[]> counts = new HashMap<>();

  /** Counts {@code r} if its query carries {@code countme=1..4}; {@code [ps, pe)} is its path with query. */
  void count(LogRecord r, int art, int ps, int pe) {
    byte[] b = r.buf;
    int q = Bytes.indexOf(b, ps, pe, (byte) '?');
    if (q < 0 || !Bytes.containsIgnoreCase(b, q, pe, COUNTME)) {
      return;
    }
    int bucket = 0;
    for (int i = q; i + COUNTME.length < pe; i++) {
      if ((b[i] == '?' || b[i] == '&') && Bytes.startsWith(b, i + 1, pe, COUNTME)) {
        int d = i + 1 + COUNTME.length;
        if (d < pe && b[d] >= '1' && b[d] <= '4' && (d + 1 == pe || b[d + 1] == '&')) {
          bucket = b[d] - '0';
        }
        break;
      }
    }
    if (bucket == 0) {
      return;
    }
    // DNF's countme weeks start on Monday (Fedora's COUNTME_EPOCH, 1970-01-05).
    long week = Math.floorDiv(r.epochSecond - 345_600L, 604_800L) * 604_800L + 345_600L;
    String label = "";
    int open = Bytes.indexOf(b, r.agentStart, r.agentEnd, (byte) '(');
    int close = open < 0 ? -1 : Bytes.indexOf(b, open, r.agentEnd, (byte) ')');
    if (close > open + 1) {
      label = new String(b, open + 1, close - open - 1, StandardCharsets.UTF_8).replace("; ", "/");
    }
    String key = week + "\n" + art + "\n" + bucket + "\n" + label;
    counts.computeIfAbsent(key, k -> new long[1])[0]++;
  }

  void drainInto(StatsDelta delta, IntFunction<ArtifactCatalog.Artifact> classify) {
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      String[] f = e.getKey().split("\n", 4);
      ArtifactCatalog.Artifact c = classify.apply(Integer.parseInt(f[1]));
      delta.countme(Long.parseLong(f[0]), c.project, Integer.parseInt(f[2]), f[3])
          .add(e.getValue()[0]);
    }
  }

  void clear() {
    counts.clear();
  }
}
