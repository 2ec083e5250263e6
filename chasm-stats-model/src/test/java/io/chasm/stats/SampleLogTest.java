package io.chasm.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chasm.stats.scan.LogScanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The real Apache log in data/ (repository root) against a deliberately naive String.split reference that
 * shares no parsing code with the readers.
 */
class SampleLogTest {
  /** Surefire runs in the module directory; the sample lives in the repository's data/. */
  static final Path SAMPLE = Path.of("..", "data", "apache-combined-sample.log");
  static final List<String> BOTS = List.of("bot", "spider", "crawl", "slurp",
      "facebookexternalhit", "ia_archiver", "semrush", "ahrefs", "yandex", "baidu", "mj12",
      "headlesschrome", "scrapy", "feedfetcher");


  @Test
  void totals_matchNaiveReference() throws Exception {
    List<String> lines = Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
    long total = 0, rejected = 0, bytes = 0, downloads = 0;
    Set<String> uniq = new HashSet<>();
    Set<String> monthly = new HashSet<>();
    Map<String, Long> full = new HashMap<>();
    Map<String, Long> ranges = new HashMap<>();
    for (String l : lines) {
      total++;
      String[] q = l.split("\"");
      // 0: ip - - [time] ; 1: request ; 2: status size ; 3: referer ; 5: agent
      if (q.length < 6 || !q[0].endsWith("] ") || !l.endsWith("\"")) {
        rejected++;
        continue;
      }
      String[] head = q[0].split(" ");
      String[] ss = q[2].trim().split(" ");
      String[] req = q[1].split(" ");
      long size = ss[1].equals("-") ? 0 : Long.parseLong(ss[1]);
      int status = Integer.parseInt(ss[0]);
      bytes += size;
      String agent = q[5].toLowerCase(Locale.ROOT);
      boolean bot = BOTS.stream().anyMatch(agent::contains);
      if (req.length < 2 || !req[0].equals("GET") || bot || !req[1].startsWith("/")) {
        continue;
      }
      String path = req[1].split("\\?")[0].replaceAll("/+", "/");
      String day = head[3].substring(1, 12);
      if (status == 200) {
        downloads++;
        uniq.add(head[0] + "|" + day);
        monthly.add(head[0] + "|" + day.substring(3));
        full.merge(path, size, Math::max);
      } else if (status == 206) {
        ranges.merge(head[0] + "|" + day + "|" + path, size, Long::sum);
      }
    }
    for (Map.Entry<String, Long> e : ranges.entrySet()) {
      String path = e.getKey().substring(e.getKey().lastIndexOf('|') + 1);
      Long f = full.get(path);
      if (f != null && f > 0 && e.getValue() >= f) {
        downloads++;
        uniq.add(e.getKey().substring(0, e.getKey().lastIndexOf('|')));
        monthly.add(e.getKey().substring(0, e.getKey().lastIndexOf('|') - 9));
      }
    }

    LogScanner.Options o = new LogScanner.Options();
    o.threads = 2;
    LogScanner.Result r = new LogScanner(o).scan(List.of(SAMPLE), null);
    RunTotals t = r.summary.totals();
    assertThat(r.errors).isEmpty();
    assertThat(t.linesTotal).isEqualTo(total).isEqualTo(10_000);
    assertThat(t.linesRejected).isEqualTo(rejected);
    assertThat(t.bytesTotal).isEqualTo(bytes);
    long got = r.summary.rows().stream().mapToLong(StatsRow::downloads).sum();
    assertThat(got).isEqualTo(downloads);
    // Each window has its own secret: the days' figures add up to the distinct (client, day)
    // pairs, the months' to the distinct (client, month) pairs.
    long daily = r.uniques.stream().filter(x -> x.window() == Window.DAY)
        .mapToLong(WindowUniques::uniqueDownloaders).sum();
    long months = r.uniques.stream().filter(x -> x.window() == Window.MONTH)
        .mapToLong(WindowUniques::uniqueDownloaders).sum();
    // The per-period keys are random, so the estimate differs run to run: allow four standard errors
    // of HLL at this lgK (a fixed 5% is only about three and would flake now and then).
    double rse = 1.04 / Math.sqrt(1 << StatsRow.LG_K);
    assertThat((double) daily).isCloseTo(uniq.size(), within(uniq.size() * 4 * rse));
    assertThat((double) months).isCloseTo(monthly.size(), within(monthly.size() * 4 * rse));
    assertThat(monthly.size()).isLessThan(uniq.size());
  }
}
