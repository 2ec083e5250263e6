package io.chasm.benchmarks;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.format.GitDaemonLogReader;
import io.chasm.stats.format.VsftpdLogReader;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The vsftpd and git daemon readers over 100,000 buffered lines, two a second as a busy log has
 * them (issue 15, w5-R: their times go through the last minute's cache). The xferlog and rsyncd
 * readers are in {@link StatsHotPathBenchmark}. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar LogReader}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xms64m", "-Xmn32m"})
public class LogReaderBenchmark {
  private static final int LINES = 100_000;
  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
      "Sep", "Oct", "Nov", "Dec"};
  private byte[] vsftpd, git;
  private final LogRecord rec = new LogRecord();

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    StringBuilder v = new StringBuilder(), g = new StringBuilder();
    for (int i = 0; i < LINES; i++) {
      String ip = (1 + rnd.nextInt(223)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
      String path = "/debian/pool/main/p/pkg" + rnd.nextInt(20_000) + "/pkg_" + (i % 7) + ".deb";
      int sec = i / 2;
      String hms = String.format("%02d:%02d:%02d", sec / 3600 % 24, sec / 60 % 60, sec % 60);
      v.append(String.format("Sun Nov 24 %s 2024 [pid %d] [ftp] OK DOWNLOAD: Client \"%s\", \"%s\", %d bytes, 10.00Kbyte/sec%n",
          hms, 1000 + i % 9000, ip, path, 1000 + i));
      int pid = 1000 + i / 2 % 9000;
      g.append(i % 2 == 0
          ? String.format("%s 24 %s host git-daemon[%d]: Connection from %s:9418%n", MONTHS[10], hms, pid, ip)
          : String.format("%s 24 %s host git-daemon[%d]: Request upload-pack for '/git/r%d.git'%n", MONTHS[10], hms, pid, rnd.nextInt(500)));
    }
    vsftpd = v.toString().getBytes(StandardCharsets.UTF_8);
    git = g.toString().getBytes(StandardCharsets.UTF_8);
  }

  private long parse(LogReader reader, byte[] b) {
    long n = 0;
    int s = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        reader.offset(s);
        if (reader.parse(b, s, i, rec) == LogRecord.Kind.REQUEST) {
          n += rec.bytes + rec.epochSecond;
        }
        s = i + 1;
      }
    }
    return n;
  }

  @Benchmark
  public long parseVsftpd() {
    return parse(new VsftpdLogReader(), vsftpd);
  }

  @Benchmark
  public long parseGitDaemon() {
    return parse(new GitDaemonLogReader(2024), git);
  }
}
