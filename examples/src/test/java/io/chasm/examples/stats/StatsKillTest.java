package io.chasm.examples.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.chasm.ChasmCli;
import io.chasm.wire.proto.stats.CountmeRow;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.proto.stats.StatsRow;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real agent process with SIGKILL at random points of a multi-file rotated input, reruns
 * it until it finishes, and checks that the spooled statistics equal one uninterrupted run's.
 */
class StatsKillTest {
  @TempDir Path dir;

  static final String[] PATHS = {"/debian/pool/main/a/a_1.deb", "/fedora/linux/41/x.iso",
      "/apache/x-1.0.tar.gz", "/fedora/updates/repodata/repomd.xml?countme=3",
      "/pub/scm/git.git/git-upload-pack", "/ubuntu/dists/noble/InRelease"};

  static String lines(Random rnd, long start, int n) {
    StringBuilder sb = new StringBuilder();
    String[] mon = {"Nov"};
    long t = start;
    for (int i = 0; i < n; i++) {
      t += rnd.nextInt(40);
      java.time.ZonedDateTime z = java.time.Instant.ofEpochSecond(t).atZone(java.time.ZoneOffset.UTC);
      String ts = String.format("%02d/%s/%d:%02d:%02d:%02d +0000", z.getDayOfMonth(), mon[0], z.getYear(),
          z.getHour(), z.getMinute(), z.getSecond());
      String p = PATHS[rnd.nextInt(PATHS.length)];
      int status = new int[] {200, 200, 200, 200, 206, 206, 304, 404, 200}[rnd.nextInt(9)];
      long size = p.endsWith(".iso") ? (status == 206 ? 500_000 : 1_000_000) : 1000 + rnd.nextInt(50);
      String client = "198.51.100." + rnd.nextInt(200);
      String method = p.endsWith("upload-pack") ? "POST" : "GET";
      String agent = rnd.nextInt(10) == 0 ? "Googlebot/2.1" : "libdnf (Fedora Linux 41; generic; Linux.x86_64)";
      sb.append(client).append(" - - [").append(ts).append("] \"").append(method).append(' ').append(p)
          .append(" HTTP/1.1\" ").append(status).append(' ').append(size).append(" \"-\" \"").append(agent)
          .append("\"\n");
    }
    return sb.toString();
  }

  List<Path> writeRotatedSet(Path logs) throws IOException {
    Random rnd = new Random(42);
    long t0 = 1_732_406_400L; // 2024-11-24T00:00Z; ~4 days over the set, so days close mid-run
    Path l3 = logs.resolve("access.log.3.gz");
    Path l2 = logs.resolve("access.log.2.gz");
    Path l1 = logs.resolve("access.log.1");
    Path l0 = logs.resolve("access.log");
    gzip(l3, lines(rnd, t0, 5000));
    gzip(l2, lines(rnd, t0 + 86_400, 5000));
    Files.writeString(l1, lines(rnd, t0 + 2 * 86_400, 6000));
    Files.writeString(l0, lines(rnd, t0 + 3 * 86_400, 6000));
    return List.of(l0, l1, l2, l3);
  }

  static void gzip(Path p, String s) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
      out.write(s.getBytes(StandardCharsets.US_ASCII));
    }
  }

  static List<String> args(Path state, List<Path> logs) {
    List<String> a = new ArrayList<>(List.of("stats", "scan", "--state", state.toString(),
        "--commit-every", "65536", "--test-seed", "kill-test", "--threads", "2", "--json"));
    logs.forEach(p -> a.add(p.toString()));
    return a;
  }

  Process start(Path state, List<Path> logs) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-cp",
        System.getProperty("java.class.path"), ChasmCli.class.getName()));
    cmd.addAll(args(state, logs));
    return new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile()).start();
  }

  /** Everything the spool holds, merged: row key → {downloads, bytes, bots, unique estimate}. */
  static Map<String, Object> merged(Path spool) throws IOException {
    Map<String, long[]> sums = new TreeMap<>();
    Map<String, Union> uniq = new TreeMap<>();
    long[] totals = new long[4];
    Map<String, Long> countme = new TreeMap<>();
    Map<String, Long> covered = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(spool)) {
      files = s.filter(p -> p.toString().endsWith(".batch")).sorted().toList();
    }
    for (Path f : files) {
      StatsBatch b = StatsBatch.parseFrom(Files.readAllBytes(f));
      for (StatsRow r : b.getRowsList()) {
        String k = r.getGranularity() + "|" + r.getPeriodStart() + "|" + r.getProject() + "|"
            + r.getArtifact() + "|" + r.getType() + "|" + r.getProtocol();
        long[] x = sums.computeIfAbsent(k, q -> new long[3]);
        x[0] += r.getDownloads();
        x[1] += r.getBytes();
        x[2] += r.getBotRequests();
        if (!r.getUniqueSketch().isEmpty()) {
          uniq.computeIfAbsent(k, q -> new Union(12)).update(HllSketch.heapify(r.getUniqueSketch().toByteArray()));
        }
      }
      totals[0] += b.getTotals().getLinesTotal();
      totals[1] += b.getTotals().getLinesRejected();
      totals[2] += b.getTotals().getBytesTotal();
      totals[3] += b.getTotals().getLateLines();
      for (CountmeRow c : b.getCountmeList()) {
        countme.merge(c.getWeekStart() + "|" + c.getProject() + "|" + c.getAgeBucket() + "|" + c.getLabel(),
            c.getSystems(), Long::sum);
      }
      b.getCoverageList().forEach(c -> covered.merge(
          java.util.HexFormat.of().formatHex(c.getFileIdentity().toByteArray()),
          c.getEndOffset() - c.getStartOffset(), Long::sum));
    }
    Map<String, Object> out = new TreeMap<>();
    sums.forEach((k, v) -> out.put(k, List.of(v[0], v[1], v[2],
        uniq.containsKey(k) ? uniq.get(k).getCompositeEstimate() : 0.0)));
    out.put("~totals", List.of(totals[0], totals[1], totals[2], totals[3]));
    out.put("~countme", countme);
    out.put("~covered", covered);
    return out;
  }

  @Test
  void sigkillAtRandomPoints_thenRerun_equalsOneUninterruptedRun() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    List<Path> files = writeRotatedSet(logs);

    Path ref = dir.resolve("ref");
    assertThat(ChasmCli.run(args(ref, files).toArray(new String[0]))).isZero();
    Map<String, Object> expected = merged(ref.resolve("spool"));
    assertThat(((List<?>) expected.get("~totals")).get(0)).isEqualTo(22_000L);

    long total = generation(ref);
    assertThat(total).isGreaterThan(20);

    Path state = dir.resolve("killed");
    Random rnd = new Random();
    int kills = 0;
    List<Long> killedAtStep = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Process p = start(state, files);
      // Wait until the process has committed past a random step, then kill it a random moment
      // later: inside a step, during a spool write or a state write.
      long target = Math.min(total - 1, generation(state) + 1 + rnd.nextInt(6));
      while (p.isAlive() && generation(state) < target) {
        Thread.sleep(2);
      }
      Thread.sleep(rnd.nextInt(30));
      if (p.isAlive()) {
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
        p.waitFor();
        kills++;
        killedAtStep.add(generation(state));
      } else {
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
      }
    }
    Process last = start(state, files);
    assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(last.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();

    assertThat(merged(state.resolve("spool"))).isEqualTo(expected);
    long steps = generation(state);
    // The kills must have hit the middle of the work, not only start-up or the end.
    assertThat(killedAtStep).anyMatch(g -> g > 0 && g < steps);
    // A rerun after the end reads nothing and adds nothing.
    Process again = start(state, files);
    assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(merged(state.resolve("spool"))).isEqualTo(expected);
    System.out.println("kills: " + kills + ", committed steps at each kill: " + killedAtStep
        + " of " + steps);
  }

  /** Committed steps so far: the generation field of state.bin (0 when none). */
  static long generation(Path state) throws IOException {
    Path f = state.resolve("state.bin");
    try {
      byte[] b = Files.readAllBytes(f);
      return b.length < 16 ? 0 : java.nio.ByteBuffer.wrap(b, 8, 8).getLong();
    } catch (java.nio.file.NoSuchFileException e) {
      return 0;
    }
  }
}
