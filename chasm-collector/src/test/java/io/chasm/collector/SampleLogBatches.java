package io.chasm.collector;

import com.google.protobuf.ByteString;
import io.chasm.wire.proto.stats.Coverage;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.wire.proto.stats.RunTotals;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.proto.stats.StatsRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.datasketches.hll.HllSketch;

/**
 * Stats batches made from the shared real Apache log by a deliberately simple reader (one batch
 * per day, DAY and HOUR rows), standing in for the agent where the collector is tested alone.
 * GET with 200/206 is a download; the project is the first path segment.
 */
final class SampleLogBatches {
  static final Path SAMPLE = Path.of(System.getProperty("chasm.sample.log", "../../shared/data/apache-combined-sample.log"));
  private static final Pattern LINE =
      Pattern.compile("^(\\S+) \\S+ \\S+ \\[([^\\]]+)\\] \"(\\S+) (\\S+)[^\"]*\" (\\d{3}) (\\S+)");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  /** Expected totals per project, computed straight from the log. */
  final Map<String, long[]> downloadsAndBytes = new TreeMap<>();
  final List<StatsBatch> batches = new ArrayList<>();
  long totalDownloads;
  long totalBytes;

  static Path sample() {
    Path p = SAMPLE;
    if (!Files.exists(p)) {
      p = Path.of("../shared/data/apache-combined-sample.log");
    }
    if (!Files.exists(p)) {
      p = Path.of("/work/shared/data/apache-combined-sample.log");
    }
    return p;
  }

  static SampleLogBatches forMirror(TestMirror mirror) throws IOException {
    SampleLogBatches s = new SampleLogBatches();
    Map<Long, Map<String, Cell>> dayCells = new TreeMap<>();
    Map<Long, Map<String, Cell>> hourCells = new TreeMap<>();
    Map<Long, long[]> lines = new TreeMap<>();
    Mac mac;
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec("period-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    for (String line : Files.readAllLines(sample(), StandardCharsets.ISO_8859_1)) {
      Matcher m = LINE.matcher(line);
      if (!m.find()) {
        continue;
      }
      long t = ZonedDateTime.parse(m.group(2), TIME).toEpochSecond();
      long day = t - Math.floorMod(t, 86400);
      long hour = t - Math.floorMod(t, 3600);
      lines.computeIfAbsent(day, k -> new long[1])[0]++;
      int status = Integer.parseInt(m.group(5));
      if (!m.group(3).equals("GET") || (status != 200 && status != 206)) {
        continue;
      }
      String path = m.group(4);
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      String[] seg = path.split("/");
      String project = seg.length > 1 && !seg[1].isEmpty() ? seg[1] : "root";
      long bytes = m.group(6).equals("-") ? 0 : Long.parseLong(m.group(6));
      byte[] who = mac.doFinal(m.group(1).getBytes(StandardCharsets.US_ASCII));
      String key = project + "\n" + path;
      dayCells.computeIfAbsent(day, k -> new TreeMap<>()).computeIfAbsent(key, k -> new Cell()).add(bytes, who);
      hourCells.computeIfAbsent(hour, k -> new TreeMap<>()).computeIfAbsent(key, k -> new Cell()).add(bytes, who);
      long[] pb = s.downloadsAndBytes.computeIfAbsent(project, k -> new long[2]);
      pb[0]++;
      pb[1] += bytes;
      s.totalDownloads++;
      s.totalBytes += bytes;
    }
    for (var d : dayCells.entrySet()) {
      StatsBatch.Builder b = mirror.batch("sample-day-" + d.getKey())
          .addCoverage(Coverage.newBuilder().setFileIdentity(ByteString.copyFrom(TestMirror.sha256("sample")))
              .setStartOffset(d.getKey()).setEndOffset(d.getKey() + 86400))
          .setTotals(RunTotals.newBuilder().setLinesTotal(lines.get(d.getKey())[0]));
      for (var c : d.getValue().entrySet()) {
        b.addRows(c.getValue().row(Granularity.DAY, d.getKey(), c.getKey()));
      }
      for (var h : hourCells.entrySet()) {
        if (h.getKey() >= d.getKey() && h.getKey() < d.getKey() + 86400) {
          for (var c : h.getValue().entrySet()) {
            b.addRows(c.getValue().row(Granularity.HOUR, h.getKey(), c.getKey()));
          }
        }
      }
      s.batches.add(b.build());
    }
    return s;
  }

  private static final class Cell {
    long downloads;
    long bytes;
    final HllSketch sketch = new HllSketch(12);

    void add(long b, byte[] who) {
      downloads++;
      bytes += b;
      sketch.update(who);
    }

    StatsRow row(Granularity g, long start, String key) {
      String[] pa = key.split("\n", 2);
      String path = pa[1];
      String type = path.endsWith(".iso") ? "iso" : path.endsWith(".deb") ? "deb" : path.endsWith(".rpm") ? "rpm"
          : path.endsWith(".tar.gz") || path.endsWith(".tgz") ? "tarball" : path.endsWith(".jar") ? "jar" : "other";
      return StatsRow.newBuilder().setGranularity(g).setPeriodStart(start).setProject(pa[0]).setArtifact(path)
          .setType(type).setProtocol("http").setDownloads(downloads).setBytes(bytes)
          .setUniqueSketch(ByteString.copyFrom(sketch.toCompactByteArray())).build();
    }
  }
}
