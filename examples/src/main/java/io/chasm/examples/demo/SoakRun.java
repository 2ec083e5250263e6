package io.chasm.examples.demo;

import io.chasm.examples.chasmd.DaemonProcess;
import io.chasm.examples.cli.KeygenCommand;
import io.chasm.examples.cli.PublishCommand;
import io.chasm.examples.cli.VerifyCommand;
import io.chasm.examples.common.Commands;
import io.chasm.hashtree.publish.TreePublisher;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.peer.PeerClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak benchmark ({@code bench/soak.sh [SECONDS]}, and a 60-second run in {@code ./mvnw
 * verify}): an origin ({@code chasmd oracle peer}) and a mirror ({@code chasmd --all}) as child
 * processes; the origin's tree churns and is published continuously, each snapshot pushed to and
 * synced by the mirror. Every few seconds each daemon's heap after a full GC ({@code jcmd
 * GC.run}, {@code GC.heap_info}), open file descriptors ({@code /proc/PID/fd}) and threads are
 * sampled. The run is "flat" when the last sample stays within generous bounds of the first
 * sample taken after warm-up; no timing is judged.
 */
public final class SoakRun {
  /** One sample of one daemon. */
  public record Sample(double seconds, double heapMiB, int fds, int threads) {}

  /** What a run measured. */
  public record Result(int publishes, int reached, long medianMillis, long maxMillis, List<Sample> origin, List<Sample> mirror,
      boolean mirrorVerifies) {
    /** Null if every figure stayed flat, else what grew. */
    public String growth() {
      List<String> out = new ArrayList<>();
      check("origin", origin, out);
      check("mirror", mirror, out);
      return out.isEmpty() ? null : String.join("; ", out);
    }

    private static void check(String who, List<Sample> s, List<String> out) {
      if (s.size() < 3) {
        out.add(who + ": too few samples (" + s.size() + ")");
        return;
      }
      Sample first = s.get(1); // s.get(0) is before warm-up: classes loaded, pools filled
      Sample last = s.get(s.size() - 1);
      if (last.heapMiB() > Math.max(first.heapMiB() * 2, first.heapMiB() + 32)) {
        out.add(String.format(Locale.ROOT, "%s heap after GC %.1f -> %.1f MiB", who, first.heapMiB(), last.heapMiB()));
      }
      if (last.fds() > first.fds() + 16) {
        out.add(who + " file descriptors " + first.fds() + " -> " + last.fds());
      }
      if (last.threads() > first.threads() + 8) {
        out.add(who + " threads " + first.threads() + " -> " + last.threads());
      }
    }
  }

  private SoakRun() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 600;
    Path dir = Files.createTempDirectory("chasm-soak-");
    int exit;
    try {
      Result r = run(Duration.ofSeconds(seconds), dir, System.getProperty("java.class.path"), System.out);
      String g = r.growth();
      System.out.println(g == null ? "soak: FLAT (heap, fds and threads within bounds)" : "soak: GREW: " + g);
      exit = g == null && r.mirrorVerifies() && r.reached() == r.publishes() ? 0 : 1;
    } finally {
      TreePublisher.deleteRecursively(dir);
    }
    System.exit(exit);
  }

  /**
   * Runs the soak for {@code duration} in {@code dir}, printing progress and the table to {@code out}.
   *
   * @param classPath what the daemons run (the real jar in tests and the script)
   */
  public static Result run(Duration duration, Path dir, String classPath, PrintStream out) throws Exception {
    DistroTree origin = new DistroTree(dir.resolve("origin"), 7);
    origin.create(30, 4);
    Path key = dir.resolve("origin.key");
    quietly(() -> Commands.run("chasm", new KeygenCommand(), "--out", key.toString()));
    int code = quietly(() -> Commands.run("chasm", new PublishCommand(), origin.root().toString(), "--key", key.toString(), "--origin", "soak"));
    if (code != 0) {
      throw new IOException("initial publish failed with exit " + code);
    }
    Path mirror = dir.resolve("mirror");
    Files.createDirectories(mirror);
    Path logs = dir.resolve("logs");
    List<String> jvm = List.of("-Xmx256m");
    Duration ready = Duration.ofSeconds(60);
    return runWith(duration, origin, key, mirror, logs, jvm, ready, classPath, out);
  }

  private static Result runWith(Duration duration, DistroTree origin, Path key, Path mirror, Path logs, List<String> jvm,
      Duration ready, String classPath, PrintStream out) throws Exception {
    List<DaemonProcess> children = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Ctrl-C or a kill of this JVM must not leave the daemons running.
    Thread cleanup = new Thread(() -> children.forEach(d -> d.stop(Duration.ofSeconds(10))), "chasm-soak-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    DaemonProcess o = DaemonProcess.start("origin", logs, ready, jvm, classPath,
        List.of("oracle", "peer", "--tree", origin.root().toString(), "--listen", "tcp://127.0.0.1:0", "--log-level", "warn"));
    children.add(o);
    DaemonProcess m = null;
    try {
      m = DaemonProcess.start("mirror", logs, ready, jvm, classPath,
          List.of("--all", "--tree", mirror.toString(), "--upstream", o.peerUri(), "--trust", key + ".pub",
              "--listen", "tcp://127.0.0.1:0", "--log-level", "warn"));
      children.add(m);
      AtomicLong mirrorHead = new AtomicLong();
      try (PeerClient watch = PeerClient.connect(URI.create(m.peerUri()), ClientOptions.defaults().withAgent("chasm-soak"))) {
        watch.subscribe("soak", (repo, env) -> {
          try {
            mirrorHead.accumulateAndGet(SignedSnapshot.decode(env).snapshot().sequence(), Math::max);
          } catch (io.chasm.api.CorruptObjectException e) {
            out.println("soak: undecodable head pushed: " + e.getMessage());
          }
        });
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long sampleEvery = Math.max(5, Math.min(30, duration.toSeconds() / 10)) * 1_000_000_000L;
        long nextSample = start;
        List<Sample> os = new ArrayList<>();
        List<Sample> ms = new ArrayList<>();
        List<Long> latencies = new ArrayList<>();
        int publishes = 0;
        int reached = 0;
        long seq = 1;
        out.printf(Locale.ROOT, "soak: %d s, origin pid %d, mirror pid %d; sampling every %d s%n", duration.toSeconds(), o.pid(), m.pid(),
            sampleEvery / 1_000_000_000L);
        out.println("   t s | origin heap MiB  fds  thr | mirror heap MiB  fds  thr | publishes");
        while (System.nanoTime() < end) {
          if (System.nanoTime() >= nextSample) {
            double t = (System.nanoTime() - start) / 1e9;
            Sample a = JvmSampler.sample(o.pid(), t);
            Sample b = JvmSampler.sample(m.pid(), t);
            os.add(a);
            ms.add(b);
            out.printf(Locale.ROOT, "%7.0f | %15.1f %4d %4d | %15.1f %4d %4d | %d%n", t, a.heapMiB(), a.fds(), a.threads(),
                b.heapMiB(), b.fds(), b.threads(), publishes);
            nextSample += sampleEvery;
          }
          origin.update((int) seq + 1);
          int c = quietly(() -> Commands.run("chasm", new PublishCommand(), origin.root().toString(), "--key", key.toString()));
          if (c != 0) {
            throw new IOException("publish failed with exit " + c);
          }
          long published = System.nanoTime();
          seq++;
          publishes++;
          long target = seq;
          long deadline = published + TimeUnit.SECONDS.toNanos(30);
          while (mirrorHead.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          if (mirrorHead.get() >= target) {
            reached++;
            latencies.add((System.nanoTime() - published) / 1_000_000);
          }
          Thread.sleep(200);
        }
        double t = (System.nanoTime() - start) / 1e9;
        os.add(JvmSampler.sample(o.pid(), t));
        ms.add(JvmSampler.sample(m.pid(), t));
        Sample a = os.get(os.size() - 1);
        Sample b = ms.get(ms.size() - 1);
        out.printf(Locale.ROOT, "%7.0f | %15.1f %4d %4d | %15.1f %4d %4d | %d%n", t, a.heapMiB(), a.fds(), a.threads(),
            b.heapMiB(), b.fds(), b.threads(), publishes);
        latencies.sort(Comparator.naturalOrder());
        long median = latencies.isEmpty() ? -1 : latencies.get(latencies.size() / 2);
        long max = latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1);
        out.printf(Locale.ROOT, "soak: %d publishes, %d reached the mirror; publish -> mirror serves it: median %d ms, max %d ms%n",
            publishes, reached, median, max);
        boolean verifies = quietly(() -> Commands.run("chasm", new VerifyCommand(), mirror.toString(), "--trust", key + ".pub")) == 0;
        out.println("soak: mirror tree " + (verifies ? "verifies" : "DOES NOT verify") + " against its latest snapshot");
        return new Result(publishes, reached, median, max, os, ms, verifies);
      }
    } finally {
      int mc = m == null ? 0 : m.stop(Duration.ofSeconds(30));
      int oc = o.stop(Duration.ofSeconds(30));
      out.println("soak: daemons stopped, exit codes origin " + oc + ", mirror " + mc);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it stops the same daemons again, harmlessly.
      }
    }
  }

  /** Runs a CLI call with its stdout discarded (the soak prints its own table). */
  private static synchronized int quietly(java.util.function.IntSupplier call) {
    PrintStream old = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      return call.getAsInt();
    } finally {
      System.setOut(old);
    }
  }
}
