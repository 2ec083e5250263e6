package io.chasm.collector.internal.web;

import io.chasm.collector.StatsReader;
import io.chasm.collector.StatsReader.Totals;
import java.time.Instant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How figures read on the pages, called from the templates (src/main/jte). Nothing here escapes:
 * the templates do, for every value they print.
 */
public final class Format {
  private Format() {}

  public static String url(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  public static String count(Long n) {
    return n == null ? "" : String.format(Locale.ROOT, "%,d", n);
  }

  public static String bytes(Long n) {
    if (n == null) {
      return "";
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** What a unique figure sums, in words: "sum over mirrors of 12 month figures from 2026-01". */
  public static String windowNote(Totals t) {
    StatsReader.UniqueWindow w = t.window();
    String kind = w.window().equals("mixed") ? "month, week and day" : w.window();
    return "sum over mirrors of " + w.windows() + " " + kind + " figure" + (w.windows() == 1 ? "" : "s") + " from "
        + w.start();
  }

  /** A Unix time as "2026-03-01 10:00:00 UTC", or "never" for 0. */
  public static String when(long unix) {
    return unix == 0 ? "never" : Instant.ofEpochSecond(unix).toString().replace('T', ' ').replace("Z", " UTC");
  }

  /** A duration in the largest whole unit that reads well: "45 s", "12 min", "5 h", "3 d". */
  public static String age(long seconds) {
    long s = Math.max(0, seconds);
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min";
    }
    return s < 172800 ? s / 3600 + " h" : s / 86400 + " d";
  }
}
