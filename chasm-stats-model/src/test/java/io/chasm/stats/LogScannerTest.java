package io.chasm.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdOutputStream;
import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.scan.StepSeeds;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogScannerTest {
  @TempDir Path dir;

  static String line(int i) {
    return String.format("192.0.2.%d - - [24/Nov/2024:%02d:%02d:00 +0000] \"GET /debian/pool/p%d.deb HTTP/1.1\" 200 %d \"-\" \"apt\"\n",
        i % 250, (i / 60) % 24, i % 60, i % 7, 1000 + i);
  }

  static String lines(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append(line(i));
    }
    return sb.toString();
  }

  LogScanner.Result scan(Path state, List<StatsDelta> sink, Path... files) throws IOException {
    LogScanner.Options o = new LogScanner.Options();
    o.stateDir = state;
    o.threads = 2;
    o.seeds = StepSeeds.derivedFrom(new byte[] {1});
    return new LogScanner(o).scan(List.of(files), d -> sink.add(d));
  }

  static long downloads(LogScanner.Result r) {
    return r.summary.rows().stream().mapToLong(StatsRow::downloads).sum();
  }

  @Test
  void rerun_readsOnlyNewBytes_andLeavesIncompleteLine() throws IOException {
    Path log = dir.resolve("access.log");
    Path state = dir.resolve("state");
    Files.writeString(log, lines(0, 100) + line(100).substring(0, 30));
    List<StatsDelta> batches = new ArrayList<>();
    LogScanner.Result r1 = scan(state, batches, log);
    assertThat(r1.summary.totals().linesTotal).isEqualTo(100);
    assertThat(downloads(r1)).isEqualTo(100);
    LogScanner.Result again = scan(state, batches, log);
    assertThat(again.summary.totals().linesTotal).isZero();
    Files.writeString(log, line(100).substring(30) + lines(101, 150), StandardOpenOption.APPEND);
    LogScanner.Result r2 = scan(state, batches, log);
    assertThat(r2.summary.totals().linesTotal).isEqualTo(50);
    assertThat(r2.summary.totals().linesRejected).isZero();
    assertThat(batches).hasSize(2);
    Coverage c1 = batches.get(0).coverage().get(0);
    Coverage c2 = batches.get(1).coverage().get(0);
    assertThat(c2.start()).isEqualTo(c1.end());
    assertThat(c1.fileIdentity()).isEqualTo(c2.fileIdentity());
  }

  @Test
  void rotationAndCompression_areFollowed_notRecounted() throws IOException {
    Path log = dir.resolve("access.log");
    Path state = dir.resolve("state");
    Files.writeString(log, lines(0, 80));
    List<StatsDelta> b = new ArrayList<>();
    assertThat(scan(state, b, log).summary.totals().linesTotal).isEqualTo(80);
    // logrotate: access.log -> access.log.1 (+20 lines written before the move), new access.log
    Files.writeString(log, lines(80, 100), StandardOpenOption.APPEND);
    Path one = dir.resolve("access.log.1");
    Files.move(log, one);
    Files.writeString(log, lines(100, 130));
    LogScanner.Result r = scan(state, b, log, one);
    assertThat(r.summary.totals().linesTotal).isEqualTo(50);
    // next rotation compresses access.log.1 into access.log.2.gz
    Path two = dir.resolve("access.log.2.gz");
    gzip(one, two);
    Files.delete(one);
    Files.move(log, one);
    Files.writeString(log, lines(130, 140));
    LogScanner.Result r3 = scan(state, b, two, one, log);
    assertThat(r3.summary.totals().linesTotal).isEqualTo(10);
    assertThat(r3.errors).isEmpty();
  }

  @Test
  void truncatedInPlace_startsOver() throws IOException {
    Path log = dir.resolve("access.log");
    Path state = dir.resolve("state");
    Files.writeString(log, lines(0, 50));
    scan(state, new ArrayList<>(), log);
    Files.writeString(log, lines(0, 10)); // copytruncate, then 10 lines with the same start
    LogScanner.Result r = scan(state, new ArrayList<>(), log);
    assertThat(r.summary.totals().linesTotal).isEqualTo(10);
  }

  @Test
  void badInput_isCountedNotFatal() throws IOException {
    Path log = dir.resolve("access.log");
    StringBuilder sb = new StringBuilder(lines(0, 20));
    sb.append("x".repeat(70_000)).append('\n'); // over 64 KiB
    sb.append("y".repeat(3_000_000)).append('\n'); // over the read buffer
    sb.append(lines(20, 40));
    byte[] junk = new byte[5000];
    new java.util.Random(7).nextBytes(junk);
    for (int i = 0; i < junk.length; i++) {
      if (junk[i] == '\n') {
        junk[i] = 0;
      }
    }
    Files.writeString(log, sb);
    Files.write(log, junk, StandardOpenOption.APPEND);
    Files.write(log, ("\n" + lines(40, 60)).getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    // invalid UTF-8 in a path
    Files.write(log, "192.0.2.1 - - [24/Nov/2024:00:00:00 +0000] \"GET /bad\u00ff HTTP/1.1\" 200 5 \"-\" \"x\"\n"
        .getBytes(StandardCharsets.ISO_8859_1), StandardOpenOption.APPEND);
    LogScanner.Result r = scan(null, new ArrayList<>(), log);
    RunTotals t = r.summary.totals();
    assertThat(t.linesTotal).isEqualTo(64);
    assertThat(t.linesRejected).isEqualTo(4);
    assertThat(downloads(r)).isEqualTo(60);
    assertThat(t.rejectedSamples).anyMatch(s -> s.contains("64 KiB"))
        .anyMatch(s -> s.contains("UTF-8"));
    assertThat(String.join(" ", t.rejectedSamples)).doesNotContain("192.0.2");
  }

  @Test
  void gzipAndZstd_andTruncatedGzip() throws IOException {
    Path plain = dir.resolve("a.log");
    Files.writeString(plain, lines(0, 300));
    Path gz = dir.resolve("b.log.gz");
    gzip(plain, gz);
    Path zst = dir.resolve("c.log.zst");
    try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(zst))) {
      out.write(lines(300, 600).getBytes(StandardCharsets.UTF_8));
    }
    LogScanner.Result r = scan(null, new ArrayList<>(), gz, zst);
    assertThat(r.summary.totals().linesTotal).isEqualTo(600);
    assertThat(r.errors).isEmpty();
    byte[] g = Files.readAllBytes(gz);
    Path cut = dir.resolve("d.log.gz");
    Files.write(cut, java.util.Arrays.copyOf(g, g.length / 2));
    LogScanner.Result rc = scan(null, new ArrayList<>(), cut);
    assertThat(rc.errors).hasSize(1);
    assertThat(rc.errors.get(0)).contains("d.log.gz");
    assertThat(rc.summary.totals().linesTotal).isBetween(1L, 299L);
    assertThat(rc.summary.totals().linesRejected).isZero();
  }

  @Test
  void compressedFile_isReadInSteps_andResumesAfterACrash() throws IOException {
    Path plain = dir.resolve("a.log");
    Files.writeString(plain, lines(0, 3000));
    long size = Files.size(plain);
    Path gz = dir.resolve("a.log.1.gz");
    gzip(plain, gz);
    Files.delete(plain);
    Path state = dir.resolve("state");
    List<StatsDelta> got = new ArrayList<>();
    LogScanner.Options o = new LogScanner.Options();
    o.stateDir = state;
    o.threads = 2;
    o.stepBytes = 40_000;
    o.seeds = StepSeeds.derivedFrom(new byte[] {1});
    // The sink fails at the fourth step: a crash after three committed steps.
    int[] calls = {0};
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LogScanner(o).scan(List.of(gz), d -> {
      if (++calls[0] == 4) {
        throw new IOException("disk full");
      }
      got.add(d);
    })).hasMessageContaining("disk full");
    assertThat(got).hasSize(3);
    LogScanner.Result rest = new LogScanner(o).scan(List.of(gz), got::add);
    assertThat(rest.errors).isEmpty();
    // Every step is bounded by --commit-every, not by the file, and together they cover the
    // decompressed bytes once, in order.
    assertThat(got.size()).isGreaterThanOrEqualTo((int) (size / 40_000));
    long at = 0;
    long lines = 0;
    long downloads = 0;
    for (StatsDelta d : got) {
      Coverage c = d.coverage().get(0);
      assertThat(c.start()).isEqualTo(at);
      assertThat(c.end() - c.start()).isLessThan(40_000 + 200);
      at = c.end();
      lines += d.totals().linesTotal;
      downloads += d.rows().stream().filter(x -> x.granularity == StatsRow.Granularity.HOUR)
          .mapToLong(StatsRow::downloads).sum();
    }
    assertThat(at).isEqualTo(size);
    assertThat(lines).isEqualTo(3000);
    assertThat(downloads).isEqualTo(3000);
    assertThat(new LogScanner(o).scan(List.of(gz), got::add).summary.totals().linesTotal).isZero();
  }

  @Test
  void unknownFormat_andUnreadable_areReportedPerFile() throws IOException {
    Path odd = dir.resolve("odd.log");
    Files.writeString(odd, "hello 10.1.2.3 world\nsecond\n");
    Path missing = dir.resolve("missing.log");
    Path good = dir.resolve("good.log");
    Files.writeString(good, lines(0, 5));
    LogScanner.Result r = scan(null, new ArrayList<>(), odd, missing, good);
    assertThat(r.summary.totals().linesTotal).isEqualTo(5);
    assertThat(r.errors).hasSize(2);
    assertThat(r.errors).anyMatch(e -> e.contains("odd.log") && e.contains("unknown log format")
        && e.contains("hello ##.#.#.# world"));
    assertThat(r.errors).anyMatch(e -> e.contains("missing.log"));
  }

  @Test
  void largeFile_splitAcrossThreads_countsEveryLineOnce() throws IOException {
    Path log = dir.resolve("big.log");
    try (var w = Files.newBufferedWriter(log)) {
      for (int i = 0; i < 400_000; i++) {
        w.write(line(i));
      }
    }
    LogScanner.Options o = new LogScanner.Options();
    o.threads = 4;
    LogScanner.Result r = new LogScanner(o).scan(List.of(log), null);
    assertThat(r.summary.totals().linesTotal).isEqualTo(400_000);
    assertThat(downloads(r)).isEqualTo(400_000);
    long bytes = r.summary.rows().stream().mapToLong(StatsRow::bytes).sum();
    assertThat(bytes).isEqualTo(400_000L * 1000 + 400_000L * 399_999 / 2);
  }

  static void gzip(Path from, Path to) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
      out.write(Files.readAllBytes(from));
    }
  }
}
