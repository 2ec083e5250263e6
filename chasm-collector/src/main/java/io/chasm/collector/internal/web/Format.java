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

  /**
   * What a unique figure sums, in words (SPEC §11.9, §11.10): "sum over mirrors of 12 month
   * figures from 2026-01", or for one mirror's figure "this mirror's 12 month figures from 2026-01,
   * summed".
   */
  public static String windowNote(Totals t, boolean oneMirror) {
    StatsReader.UniqueWindow w = t.window();
    String kind = w.window().equals("mixed") ? "month, week and day" : w.window();
    String figures = w.windows() + " " + kind + " figure" + (w.windows() == 1 ? "" : "s") + " from " + w.start();
    return oneMirror ? "this mirror's " + figures + (w.windows() == 1 ? "" : ", summed") : "sum over mirrors of " + figures;
  }

  public static String windowNote(Totals t) {
    return windowNote(t, false);
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
