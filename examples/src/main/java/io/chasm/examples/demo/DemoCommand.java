package io.chasm.examples.demo;

import io.chasm.collector.CollectorConfig;
import io.chasm.examples.cli.KeygenCommand;
import io.chasm.examples.cli.StatsCommand;
import io.chasm.examples.cli.PublishCommand;
import io.chasm.examples.cli.VerifyCommand;
import io.chasm.examples.common.Commands;
import io.chasm.examples.chasmd.DaemonProcess;
import io.chasm.examples.collector.CollectorDemo;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.publish.TreePublisher;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.PeerClient;
import io.chasm.wire.stats.StatsSubmitter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chasm demo}: the whole story on loopback, with real processes. A generated Debian-like
 * origin is published and served by {@code chasmd oracle} + {@code chasmd peer}; a tier-1 mirror
 * ({@code chasmd --all}) follows it over tcp; a tier-2 mirror, as three processes (oracle, peer,
 * fetcher) talking over Unix sockets, follows the tier-1. An update published at the origin is
 * pushed through both tiers; then a file is damaged on the tier-1's disk and the tier-2 refuses
 * the bytes while its served tree stays intact. Then the stats agent scans a real Apache log and
 * submits to an embedded collector, which stays up for browsing until Ctrl-C (or stops at once
 * with {@code --no-wait}). Every child is stopped on exit, also on Ctrl-C.
 *
 * <p>Each step is one method returning whether it behaved.
 */
@Command(name = "demo", description = "Run the whole story on loopback: origin, two tiers of mirrors, push, tampering, then download statistics into a collector.")
public final class DemoCommand implements Callable<Integer> {
  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration PROPAGATION = Duration.ofSeconds(60);
  private static final String REPO = "debian";

  @Option(names = "--keep", description = "keep the temporary directory and print its path")
  boolean keep;

  @Option(names = "--no-wait", description = "do not wait for Ctrl-C at the end (steps that serve something, like the collector, stop at once)")
  boolean noWait;

  @Option(names = "--image-mib", paramLabel = "N", description = "size of the generated installer image (default 32 MiB)")
  int imageMiB = 32;

  private final List<DaemonProcess> children = new ArrayList<>();
  /** Set by Ctrl-C (the shutdown hook): no child may be started after it. */
  private boolean closing;
  private final Map<String, Map<Long, Long>> heads = new ConcurrentHashMap<>();
  private final List<PeerClient> watchers = new ArrayList<>();
  private Path work;
  private Path logs;
  private DistroTree origin;
  private Path tier1;
  private Path tier2;
  private Path key;
  private DaemonProcess originPeer;
  private DaemonProcess tier1Daemon;
  private DaemonProcess tier2Peer;
  private DaemonProcess tier2Fetcher;
  private String tamperedPath;
  private volatile CollectorDemo collector;
  private long mirrorsStarted;
  private int step;
  private final long t0 = System.nanoTime();

  @Override
  public Integer call() throws Exception {
    work = Files.createTempDirectory("chasm-demo-");
    logs = work.resolve("logs");
    Thread onCtrlC = new Thread(() -> {
      stopChildrenQuietly();
      if (!keep) {
        try {
          TreePublisher.deleteRecursively(work);
        } catch (IOException | RuntimeException e) {
          System.err.println("chasm: demo: could not remove " + work + ": " + e.getMessage());
        }
      }
    }, "chasm-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    boolean ok = false;
    try {
      ok = makeOrigin()
          && keygen()
          && publish(1)
          && startOrigin()
          && startTier1()
          && startTier2()
          && initialSync()
          && pushUpdate()
          && verifyExpecting(tier2, ExitCodes.OK, "the tier-2 tree verifies against the origin's signed snapshot")
          && tamperTier1AndWatchTier2Refuse()
          && verifyExpecting(tier2, ExitCodes.OK, "the tier-2's served tree is intact")
          && collectorStep()
          && stopAll()
          && waitForBrowsing();
    } catch (IOException | RuntimeException e) {
      System.out.println("-> " + e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      stopChildrenQuietly();
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running already.
      }
      System.out.printf(Locale.ROOT, "%ndemo: %s in %.1f s%n", ok ? "all steps behaved as expected" : "FAILED (see above)", secondsSince(t0));
      if (keep || !ok) {
        System.out.println("demo: kept " + work + " (daemon logs in " + logs + ")");
      } else {
        TreePublisher.deleteRecursively(work);
      }
    }
    return ok ? ExitCodes.OK : ExitCodes.FAILED_CHECK;
  }

  private void announce(String what) {
    System.out.printf(Locale.ROOT, "%n== %d. %s   [%.1f s]%n", ++step, what, secondsSince(t0));
  }

  boolean makeOrigin() throws IOException {
    announce("generate a Debian-like origin tree");
    origin = new DistroTree(work.resolve("origin/debian"), 42);
    origin.create(36, imageMiB);
    Files.createSymbolicLink(origin.root().resolve("dists/latest"), Path.of("stable"));
    long[] s = origin.stats();
    System.out.printf(Locale.ROOT, "%s: %d files, %.1f MiB (pool/ of .deb packages, dists/stable/{Release,Packages}, a %d MiB image)%n",
        origin.root(), s[0], s[1] / 1048576.0, imageMiB);
    return true;
  }

  boolean keygen() {
    announce("chasm keygen --out origin.key");
    key = work.resolve("origin.key");
    return expect(Commands.run("chasm", new KeygenCommand(), "--out", key.toString()), ExitCodes.OK, "the origin's signing key");
  }

  boolean publish(int expected) {
    return expect(Commands.run("chasm", new PublishCommand(), origin.root().toString(), "--key", key.toString(), "--origin", REPO, "--expires", "1d"),
        ExitCodes.OK, "snapshot " + expected + " signed");
  }

  boolean startOrigin() throws IOException {
    announce("origin: chasmd oracle (Unix socket) + chasmd peer (tcp, relays to the oracle), two processes");
    String tree = origin.root().toString();
    start("origin-oracle", "oracle", "--tree", tree);
    originPeer = start("origin-peer", "peer", "--tree", tree, "--listen", "tcp://127.0.0.1:0");
    System.out.println("origin serves " + originPeer.peerUri());
    return true;
  }

  boolean startTier1() throws IOException {
    announce("tier-1 mirror: chasmd --all (oracle + peer + fetcher in one JVM) following the origin");
    tier1 = work.resolve("tier1/debian");
    Files.createDirectories(tier1);
    mirrorsStarted = System.nanoTime();
    // Plays a mirror that serves whatever its disk holds, unchecked (the default re-hashes each
    // chunk before sending it): step "tamper" shows that the tier-2 refuses such bytes itself.
    tier1Daemon = start("tier1", "--all", "--tree", tier1.toString(), "--upstream", originPeer.peerUri(),
        "--trust", key + ".pub", "--listen", "tcp://127.0.0.1:0", "--set", "oracle.check-served-chunks=false");
    System.out.println("tier-1 serves " + tier1Daemon.peerUri());
    return true;
  }

  boolean startTier2() throws IOException {
    announce("tier-2 mirror: chasmd oracle, peer and fetcher as three processes over Unix sockets, following the tier-1");
    tier2 = work.resolve("tier2/debian");
    Files.createDirectories(tier2);
    start("tier2-oracle", "oracle", "--tree", tier2.toString(), "--trust", key + ".pub");
    tier2Peer = start("tier2-peer", "peer", "--tree", tier2.toString(), "--listen", "tcp://127.0.0.1:0");
    tier2Fetcher = startTier2Fetcher();
    System.out.println("tier-2 serves " + tier2Peer.peerUri());
    return true;
  }

  private DaemonProcess startTier2Fetcher() throws IOException {
    return start("tier2-fetcher", "fetcher", "--tree", tier2.toString(), "--upstream", tier1Daemon.peerUri(),
        "--trust", key + ".pub");
  }

  boolean initialSync() throws Exception {
    announce("initial sync: origin -> tier-1 -> tier-2");
    watch("tier-1", tier1Daemon.peerUri());
    watch("tier-2", tier2Peer.peerUri());
    boolean ok = waitFor(() -> has("tier-2", 1), PROPAGATION);
    printSyncLines(tier1Daemon, 1);
    printSyncLines(tier2Fetcher, 1);
    System.out.printf(Locale.ROOT, "-> tier-2 serves snapshot 1, %.1f s after the tier-1 daemon was started (JVM start-ups included)%n",
        secondsSince(mirrorsStarted));
    return ok || fail("tier-2 did not reach snapshot 1: " + tier2Fetcher.logTail(3));
  }

  boolean pushUpdate() throws Exception {
    announce("update at the origin: a package replaced, a new one added, Packages/Release rewritten; chasm publish");
    origin.update(2);
    long published = System.nanoTime();
    if (!publish(2)) {
      return false;
    }
    long afterPublish = System.nanoTime();
    boolean ok = waitFor(() -> has("tier-2", 2), PROPAGATION);
    printSyncLines(tier1Daemon, 2);
    printSyncLines(tier2Fetcher, 2);
    if (!ok) {
      return fail("snapshot 2 did not reach tier-2: " + tier2Fetcher.logTail(3));
    }
    System.out.printf(Locale.ROOT, "-> pushed through both tiers: tier-1 serves it %.0f ms and tier-2 %.0f ms after `chasm publish` returned"
        + " (publish itself, indexing included: %.0f ms)%n",
        (heads.get("tier-1").get(2L) - afterPublish) / 1e6, (heads.get("tier-2").get(2L) - afterPublish) / 1e6,
        (afterPublish - published) / 1e6);
    return true;
  }

  boolean verifyExpecting(Path tree, int exit, String meaning) {
    announce("chasm verify " + work.relativize(tree) + " --trust origin.key.pub   (expect exit " + exit + ")");
    return expect(Commands.run("chasm", new VerifyCommand(), tree.toString(), "--trust", key + ".pub"), exit, meaning);
  }

  boolean tamperTier1AndWatchTier2Refuse() throws Exception {
    announce("tamper: the tier-2 fetcher is stopped; the origin publishes snapshot 3; a byte of its new package is flipped on the tier-1's disk");
    int code = tier2Fetcher.stop(Duration.ofSeconds(20));
    synchronized (this) {
      children.remove(tier2Fetcher);
    }
    System.out.println("tier-2 fetcher stopped by SIGTERM, exit " + code);
    tamperedPath = origin.update(3);
    if (!publish(3) || !waitFor(() -> has("tier-1", 3), PROPAGATION)) {
      return fail("tier-1 did not reach snapshot 3");
    }
    Path victim = tier1.resolve(tamperedPath);
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      f.seek(1000);
      int b = f.read();
      f.seek(1000);
      f.write(b ^ 0x10);
    }
    System.out.println("flipped one bit at offset 1000 of tier-1's " + tamperedPath);

    announce("the tier-2 fetcher starts again and syncs snapshot 3 from the tier-1");
    tier2Fetcher = startTier2Fetcher();
    boolean refused = waitFor(() -> logContains(tier2Fetcher, "HashMismatchException"), PROPAGATION);
    for (String line : tier2Fetcher.logText().split("\n")) {
      if (line.contains("HashMismatchException") || line.contains("banned")) {
        System.out.println("  tier-2 fetcher: " + line.substring(line.indexOf(']') + 2));
      }
    }
    if (!refused) {
      return fail("the tier-2 did not refuse the damaged bytes: " + tier2Fetcher.logTail(3));
    }
    System.out.println("-> refused: the chunk of " + tamperedPath + " does not hash to its id, so nothing of snapshot 3 was published");
    System.out.println("-> tier-2 still serves snapshot " + servedSequence(tier2Peer.peerUri()) + " (not 3)");
    return servedSequence(tier2Peer.peerUri()) == 2 || fail("tier-2 moved off snapshot 2");
  }

  /**
   * The download-statistics part of the story: the stats agent scans the real sample log bundled
   * in the jar, spools signed-to-be batches, and they are submitted to an embedded collector,
   * whose API must then report the agent's totals. A resend must change nothing.
   */
  boolean collectorStep() throws IOException {
    announce("stats: the agent scans a real Apache log, submits to a collector");
    Path statsDir = Files.createDirectories(work.resolve("stats"));
    Path log = statsDir.resolve("access.log");
    try (var in = DemoCommand.class.getResourceAsStream("/demo/apache-combined-sample.log")) {
      if (in == null) {
        return fail("the sample log is missing from the jar");
      }
      Files.copy(in, log);
    }
    Path state = statsDir.resolve("agent-state");
    if (!expect(Commands.run("chasm", new StatsCommand.Scan(), log.toString(), "--state", state.toString(),
        "--mirror-id", CollectorDemo.MIRROR), ExitCodes.OK, "the agent's report (client addresses never leave the agent)")) {
      return false;
    }
    try {
      collector = CollectorDemo.start(statsDir.resolve("collector"), CollectorConfig.DEFAULT_PRIVACY_THRESHOLD);
      StatsSubmitter.Report first = collector.submit(state.resolve("spool"));
      System.out.println("-> submitted: " + first.acknowledged() + " batches acknowledged, " + first.rejected() + " rejected");
      String before = projectTotals();
      System.out.print(before);
      // Resending is always safe: the collector recognises the batch ids and counts nothing twice.
      for (Path b : spooledBatches(state.resolve("spool"))) {
        collector.submit(Files.readAllBytes(b));
      }
      boolean same = before.equals(projectTotals());
      System.out.println(same ? "-> resent every batch: totals unchanged" : "-> resend changed the totals");
      System.out.println("-> browse the downloads at " + collector.uri());
      return first.acknowledged() > 0 && first.rejected() == 0 && same || fail("the collector did not count the batches exactly once");
    } catch (java.sql.SQLException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return fail("collector: " + e.getMessage());
    }
  }

  private static List<Path> spooledBatches(Path spool) throws IOException {
    if (!Files.isDirectory(spool)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(spool)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".batch")).sorted().toList();
    }
  }

  /** One line per project from the collector's public read API. */
  private String projectTotals() throws IOException, InterruptedException {
    var http = java.net.http.HttpClient.newHttpClient();
    var r = http.send(java.net.http.HttpRequest.newBuilder(collector.uri().resolve("api/v1/projects")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("collector API answered " + r.statusCode());
    }
    StringBuilder out = new StringBuilder();
    for (var p : new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("projects")) {
      out.append(String.format(Locale.ROOT, "   collector: %-12s %6d downloads %14d bytes%n",
          p.get("project").asText(), p.get("downloads").asLong(), p.get("bytes").asLong()));
    }
    return out.toString();
  }

  /** Keeps the collector up for browsing until Ctrl-C, unless {@code --no-wait}. */
  boolean waitForBrowsing() {
    if (collector == null) {
      return true;
    }
    if (noWait) {
      collector.close();
      collector = null;
      return true;
    }
    System.out.println();
    System.out.println("The collector keeps running at " + collector.uri() + " -- press Ctrl-C to stop.");
    try {
      new java.util.concurrent.CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  boolean stopAll() {
    announce("stop every daemon with SIGTERM (sockets removed, exit 0)");
    closeWatchers();
    boolean clean = true;
    List<DaemonProcess> all;
    synchronized (this) {
      all = new ArrayList<>(children);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      DaemonProcess d = all.get(i);
      int code = d.stop(Duration.ofSeconds(20));
      System.out.println(d.name() + ": exit " + code);
      clean &= code == 0;
    }
    synchronized (this) {
      children.clear();
    }
    boolean socketsGone = !Files.exists(origin.root().resolve(".chasm/oracle.sock")) && !Files.exists(tier1.resolve(".chasm/oracle.sock"))
        && !Files.exists(tier2.resolve(".chasm/oracle.sock"));
    System.out.println(socketsGone ? "-> no socket files left" : "-> socket files left behind");
    return (clean && socketsGone) || fail("unclean shutdown");
  }

  // ------------------------------------------------------------------ helpers

  private DaemonProcess start(String name, String... args) throws IOException {
    List<String> jvm = List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xshare:auto");
    DaemonProcess d = DaemonProcess.start(name, logs, READY, jvm, args);
    synchronized (this) {
      if (closing) {
        d.kill();
        throw new IOException("interrupted");
      }
      children.add(d);
    }
    System.out.println("started " + d);
    return d;
  }

  /** Records when each snapshot sequence is first served by a node (its pushes). */
  private void watch(String node, String uri) throws Exception {
    Map<Long, Long> seen = heads.computeIfAbsent(node, k -> new ConcurrentHashMap<>());
    PeerClient c = PeerClient.connect(URI.create(uri), ClientOptions.defaults().withAgent("chasm-demo"));
    watchers.add(c);
    c.subscribe(REPO, (repo, envelope) -> {
      try {
        seen.putIfAbsent(SignedSnapshot.decode(envelope).snapshot().sequence(), System.nanoTime());
      } catch (io.chasm.api.CorruptObjectException e) {
        System.out.println("  (" + node + " pushed an undecodable head: " + e.getMessage() + ")");
      }
    });
  }

  private boolean has(String node, long sequence) {
    Map<Long, Long> m = heads.get(node);
    return m != null && m.containsKey(sequence);
  }

  private static long servedSequence(String uri) throws Exception {
    try (PeerClient c = PeerClient.connect(URI.create(uri))) {
      return PeerClient.await(c.head(REPO)).map(e -> {
        try {
          return SignedSnapshot.decode(e).snapshot().sequence();
        } catch (io.chasm.api.CorruptObjectException x) {
          return -1L;
        }
      }).orElse(0L);
    }
  }

  private static void printSyncLines(DaemonProcess d, long sequence) throws IOException {
    for (String line : d.logText().split("\n")) {
      if (line.contains("synced #" + sequence + " ")) {
        System.out.println("  " + d.name() + ": " + line.substring(line.indexOf("synced")));
      }
    }
  }

  private static boolean logContains(DaemonProcess d, String s) {
    try {
      return d.logText().contains(s);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private static boolean fail(String why) {
    System.out.println("-> FAILED: " + why);
    return false;
  }

  private static boolean expect(int got, int wanted, String meaning) {
    if (got == wanted) {
      System.out.println("-> exit " + got + ": " + meaning);
      return true;
    }
    System.out.println("-> exit " + got + ", expected " + wanted + " (" + meaning + ")");
    return false;
  }

  private synchronized void closeWatchers() {
    watchers.forEach(PeerClient::close);
    watchers.clear();
  }

  private void stopChildrenQuietly() {
    CollectorDemo c = collector;
    if (c != null) {
      c.close();
    }
    List<DaemonProcess> all;
    synchronized (this) {
      closing = true;
      all = new ArrayList<>(children);
      children.clear();
    }
    closeWatchers();
    // SIGTERM to all at once, then wait: a Ctrl-C should not take a timeout per child.
    all.forEach(d -> d.process().destroy());
    all.forEach(d -> d.stop(Duration.ofSeconds(10)));
    // A child still starting when Ctrl-C came is not in the list yet: it is a child all the same.
    ProcessHandle.current().children().forEach(ProcessHandle::destroy);
    ProcessHandle.current().children().forEach(h -> h.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> {
      h.destroyForcibly();
      return h;
    }).join());
  }

  private static double secondsSince(long t) {
    return (System.nanoTime() - t) / 1e9;
  }
}
