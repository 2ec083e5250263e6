package io.chasm.examples.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the soak run samples of a daemon: heap after a full GC via {@code jcmd}, fds and threads via {@code /proc}. */
final class JvmSampler {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private JvmSampler() {}

  /** Heap after a full GC (jcmd), open fds and threads (/proc) of a process. */
  static SoakRun.Sample sample(long pid, double t) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long usedK = 0;
    for (String line : info.split("\n")) {
      if (line.contains("Metaspace") || line.contains("class space")) {
        continue;
      }
      Matcher mm = USED.matcher(line);
      if (mm.find()) {
        usedK += Long.parseLong(mm.group(1));
      }
    }
    int fds;
    try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds = (int) s.count();
    }
    int threads = 0;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Threads:")) {
        threads = Integer.parseInt(line.substring(8).trim());
      }
    }
    return new SoakRun.Sample(t, usedK / 1024.0, fds, threads);
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(Files.exists(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), command)
        .redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed: " + text.strip());
    }
    return text;
  }
}
