package io.chasm.examples.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A scrape over real HTTP, read as the Prometheus text format is: one sample per line, {@code
 * NAME{LABELS} VALUE}, {@code #} lines are HELP/TYPE comments.
 */
record Exposition(Map<String, Double> samples) {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static Exposition scrape(URI base) throws IOException, InterruptedException {
    HttpResponse<String> r = get(base.resolve("/metrics"));
    if (r.statusCode() != 200 || !r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain")) {
      throw new AssertionError("scrape of " + base + ": " + r.statusCode() + " " + r.headers().map());
    }
    return parse(r.body());
  }

  static Exposition parse(String text) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        throw new AssertionError("not a sample line: " + line);
      }
      m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new Exposition(m);
  }

  /** The metric names (a sample's name without its labels). */
  Set<String> names() {
    Set<String> out = new TreeSet<>();
    for (String series : samples.keySet()) {
      int brace = series.indexOf('{');
      out.add(brace < 0 ? series : series.substring(0, brace));
    }
    return out;
  }

  /** The sum of every series of {@code name} whose labels contain {@code labelPart} ("" for all). */
  double sum(String name, String labelPart) {
    double s = 0;
    boolean any = false;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      String k = e.getKey();
      if ((k.equals(name) || k.startsWith(name + "{")) && k.contains(labelPart) && !e.getValue().isNaN()) {
        s += e.getValue();
        any = true;
      }
    }
    return any ? s : Double.NaN;
  }
}
