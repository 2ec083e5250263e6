package io.chasm.collector.internal.web;

import io.chasm.collector.StatsReader.Point;
import java.util.List;
import java.util.Locale;

/**
 * A bar chart of downloads per period drawn on the server as inline SVG: no script, no external
 * library, scales with the page width. Withheld (privacy) periods are drawn as a grey tick.
 */
final class SvgChart {
  private static final int W = 800;
  private static final int H = 220;
  private static final int LEFT = 56;
  private static final int BOTTOM = 24;
  private static final int TOP = 10;

  private SvgChart() {}

  static String downloads(String id, List<Point> points) {
    long max = 1;
    for (Point p : points) {
      if (p.totals().downloads() != null) {
        max = Math.max(max, p.totals().downloads());
      }
    }
    max = niceCeil(max);
    int n = Math.max(1, points.size());
    double slot = (double) (W - LEFT - 8) / n;
    double barW = Math.max(1, slot * 0.8);
    int plotH = H - TOP - BOTTOM;
    StringBuilder s = new StringBuilder();
    s.append("<svg id=\"").append(Html.esc(id)).append("\" class=chart viewBox=\"0 0 ").append(W).append(' ').append(H)
        .append("\" role=img aria-label=\"Downloads over time\" xmlns=\"http://www.w3.org/2000/svg\">");
    for (int g = 0; g <= 4; g++) {
      double y = TOP + plotH - plotH * g / 4.0;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e6ea\"/>", LEFT, y, W - 4, y));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#667\">%s</text>",
          LEFT - 6, y + 4, shortCount(max * g / 4)));
    }
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      double x = LEFT + i * slot + (slot - barW) / 2;
      Long d = p.totals().downloads();
      String label = Html.esc(p.period()) + ": " + (d == null ? "withheld (privacy)" : Html.count(d) + " downloads");
      if (d == null) {
        s.append(String.format(Locale.ROOT,
            "<rect class=\"withheld\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"2\" fill=\"#bbc\"><title>%s</title></rect>",
            x, TOP + plotH - 2, barW, label));
        continue;
      }
      double h = d == 0 ? 0 : Math.max(1, plotH * (double) d / max);
      s.append(String.format(Locale.ROOT,
          "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2f6fd6\"><title>%s</title></rect>",
          x, TOP + plotH - h, barW, h, label));
    }
    if (!points.isEmpty()) {
      s.append(axisLabel(LEFT, points.get(0).period(), "start"));
      s.append(axisLabel(W - 4, points.get(points.size() - 1).period(), "end"));
    }
    return s.append("</svg>").toString();
  }

  private static String axisLabel(int x, String text, String anchor) {
    return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"%s\" fill=\"#667\">%s</text>",
        x, H - 6, anchor, Html.esc(text.length() > 10 ? text.substring(0, 13).replace('T', ' ') : text));
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
