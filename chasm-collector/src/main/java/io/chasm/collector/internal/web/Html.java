package io.chasm.collector.internal.web;

import io.chasm.collector.StatsReader;
import io.chasm.collector.StatsReader.Totals;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Escaping, formatting and the page frame shared by every page. */
final class Html {
  private Html() {}

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  static String url(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String count(Long n) {
    return n == null ? "" : String.format(Locale.ROOT, "%,d", n);
  }

  static String bytes(Long n) {
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

  /** Three table cells: downloads, bytes, unique downloaders; a suppressed row says so once. */
  static String totalsCells(Totals t, int threshold) {
    if (t.suppressed()) {
      return "<td class=\"num sup\" colspan=3 title=\"fewer than " + threshold
          + " unique downloaders: withheld for privacy\">&lt; " + threshold + " downloaders</td>";
    }
    return "<td class=num>" + count(t.downloads()) + "</td><td class=num>" + bytes(t.bytes()) + "</td><td class=num title=\""
        + esc(windowNote(t)) + "\">" + count(t.unique()) + "</td>";
  }

  /** What a unique figure sums, in words: "sum over mirrors of 12 month figures from 2026-01". */
  static String windowNote(Totals t) {
    StatsReader.UniqueWindow w = t.window();
    String kind = w.window().equals("mixed") ? "month, week and day" : w.window();
    return "sum over mirrors of " + w.windows() + " " + kind + " figure" + (w.windows() == 1 ? "" : "s") + " from "
        + w.start();
  }

  static final String TOTALS_HEAD = "<th class=num>Downloads</th><th class=num>Bytes</th><th class=num>Unique</th>";

  private static final String CSS = """
      *{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;\
      color:#1d2330;background:#f6f7f9}header{background:#1d2b4f;color:#fff;padding:.6rem 1rem}\
      header a{color:#fff;text-decoration:none;font-weight:600;margin-right:1rem}main{max-width:1100px;margin:0 auto;\
      padding:1rem}h1{font-size:1.5rem;margin:.4rem 0 1rem;word-break:break-all}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}\
      .card{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:.8rem;margin-bottom:1rem;overflow-x:auto}\
      table{border-collapse:collapse;width:100%}th,td{padding:.35rem .5rem;border-bottom:1px solid #eceff3;text-align:left;\
      vertical-align:top}td.path{word-break:break-all;min-width:10rem}th{font-size:.85rem;color:#566;font-weight:600}.num{text-align:right;\
      white-space:nowrap}.sup{color:#889;font-style:italic}.muted{color:#667;font-size:.9rem}a{color:#1f5fbf}\
      .kpis{display:flex;flex-wrap:wrap;gap:.8rem}.kpi{flex:1 1 9rem;background:#fff;border:1px solid #dde1e8;\
      border-radius:6px;padding:.6rem .8rem}.kpi b{display:block;font-size:1.35rem}form.search{display:flex;gap:.4rem;\
      margin-bottom:.6rem}form.search input{flex:1;padding:.4rem;font-size:1rem}nav.periods a{margin-right:.8rem}\
      .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1rem}svg{width:100%;height:auto}\
      .pager{margin-top:.5rem;display:flex;justify-content:space-between}""";

  static String page(String title, String body) {
    return "<!doctype html><html lang=en><head><meta charset=utf-8>"
        + "<meta name=viewport content=\"width=device-width,initial-scale=1\"><title>" + esc(title)
        + " · CHASM downloads</title><style>" + CSS + "</style></head><body><header><a href=\"/\">CHASM downloads</a>"
        + "<a href=\"/mirrors\">Mirrors</a><a href=\"/api/v1/openapi.yaml\">API</a></header><main>" + body
        + "</main></body></html>";
  }
}
