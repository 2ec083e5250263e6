package io.chasm.collector.internal.web;

import io.chasm.collector.StatsReader.Point;
import io.chasm.collector.StatsReader.Totals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The geometry of a bar chart of downloads per period, in SVG user units; {@code chart.jte} draws
 * it. Each bar carries its figures as text, shown on hover by the browser's own {@code <title>}
 * tooltip, so the chart needs no script; the same figures follow as a table (closed by default)
 * for phones and screen readers. A withheld (privacy) period is a flat grey bar.
 */
public record BarChart(String id, String ariaLabel, List<Bar> bars, List<GridLine> grid, String firstLabel,
    String lastLabel, List<Point> points, boolean oneMirror) {
  public static final int WIDTH = 800;
  public static final int HEIGHT = 220;
  static final int LEFT = 56;
  static final int BOTTOM = 24;
  static final int TOP = 10;

  /** One period: its box, whether its figures are withheld, and the hover text. */
  public record Bar(String x, String y, String width, String height, boolean withheld, String label) {}

  /** A horizontal guide line at {@code y} with its value. */
  public record GridLine(String y, String label) {}

  public static int plotBottom() {
    return HEIGHT - BOTTOM;
  }

  public static int left() {
    return LEFT;
  }

  /** The chart of {@code points}, one bar each, scaled to the largest figure. */
  public static BarChart downloads(String id, List<Point> points) {
    return downloads(id, points, false);
  }

  /** As {@link #downloads(String, List)}; {@code oneMirror} labels the uniques as one mirror's. */
  public static BarChart downloads(String id, List<Point> points, boolean oneMirror) {
    long max = 1;
    for (Point p : points) {
      if (p.totals().downloads() != null) {
        max = Math.max(max, p.totals().downloads());
      }
    }
    max = niceCeil(max);
    int n = Math.max(1, points.size());
    double slot = (double) (WIDTH - LEFT - 8) / n;
    double barW = Math.max(1, slot * 0.8);
    int plotH = HEIGHT - TOP - BOTTOM;
    List<GridLine> grid = new ArrayList<>();
    for (int g = 0; g <= 4; g++) {
      grid.add(new GridLine(num(TOP + plotH - plotH * g / 4.0), shortCount(max * g / 4)));
    }
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      double x = LEFT + i * slot + (slot - barW) / 2;
      Long d = p.totals().downloads();
      double h = d == null ? 2 : d == 0 ? 0 : Math.max(1, plotH * (double) d / max);
      bars.add(new Bar(num(x), num(TOP + plotH - h), num(barW), num(h), d == null, hover(p.period(), p.totals(), oneMirror)));
    }
    String first = points.isEmpty() ? "" : axisLabel(points.get(0).period());
    String last = points.isEmpty() ? "" : axisLabel(points.get(points.size() - 1).period());
    return new BarChart(id, "Downloads over time", bars, grid, first, last, List.copyOf(points), oneMirror);
  }

  /** "2026-03-01: 1,234 downloads, 1.2 GiB, 56 unique downloaders (sum over mirrors of 1 day figure from ...)". */
  static String hover(String period, Totals t, boolean oneMirror) {
    String when = axisLabel(period);
    if (t.suppressed()) {
      return when + ": withheld (privacy)";
    }
    return when + ": " + Format.count(t.downloads()) + " downloads, " + Format.bytes(t.bytes()) + ", "
        + Format.count(t.unique()) + " unique downloaders (" + Format.windowNote(t, oneMirror) + ")";
  }

  /** The period as the axis and the table show it: a day, or a day and hour. */
  public static String axisLabel(String period) {
    return period.length() > 10 ? period.substring(0, Math.min(16, period.length())).replace('T', ' ') : period;
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static long niceCeil(long v) {
    long p = 1;
    while (p * 10 <= v) {
      p *= 10;
    }
    for (long m : new long[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return Math.max(4, m * p);
      }
    }
    return v;
  }

  private static String shortCount(long v) {
    if (v >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1fM", v / 1e6);
    }
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%dk", v / 1000);
    }
    return Long.toString(v);
  }
}
