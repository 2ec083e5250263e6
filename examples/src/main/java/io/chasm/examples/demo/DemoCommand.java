package io.chasm.examples.demo;

import io.chasm.examples.chasmd.DaemonProcess;
import io.chasm.examples.cli.KeygenCommand;
import io.chasm.examples.cli.PublishCommand;
import io.chasm.examples.cli.VerifyCommand;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.publish.TreePublisher;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chasm demo}: the whole story on loopback, with real processes. A generated Debian-like
 * origin is published and served by {@code chasmd oracle} + {@code chasmd peer}; a tier-1 mirror
 * ({@code chasmd --all}) follows it over tcp; a tier-2 mirror, as three processes (oracle, peer,
 * fetcher) talking over Unix sockets, follows the tier-1. An update published at the origin is
 * pushed through both tiers; then a file is damaged on the tier-1's disk and the tier-2 refuses
 * the bytes while its served tree stays intact. A swarm sync from several sources at once bans a
 * liar and a bit-flipper with their evidence. Then the stats agent scans a real Apache log and
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

  private final Narrator narrator = new Narrator();
  private final HeadWatcher heads = new HeadWatcher(REPO);
  private final StatsStep stats = new StatsStep();
  private DemoChildren children;
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
  private long mirrorsStarted;

  @Override
  public Integer call() throws Exception {
    work = Files.createTempDirectory("chasm-demo-");
    logs = work.resolve("logs");
    // State outside the trees, but inside the work directory, so that nothing outlives the demo.
    System.setProperty(StateLocation.HOME_PROPERTY, work.resolve("state").toString());
    children = new DemoChildren(logs, READY);
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
          && swarmStep()
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
      System.out.printf(Locale.ROOT, "%ndemo: %s in %.1f s%n", ok ? "all steps behaved as expected" : "FAILED (see above)", narrator.elapsed());
      if (keep || !ok) {
        System.out.println("demo: kept " + work + " (daemon logs in " + logs + ")");
      } else {
        TreePublisher.deleteRecursively(work);
      }
    }
    return ok ? ExitCodes.OK : ExitCodes.FAILED_CHECK;
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
    return Narrator.expect(Commands.run("chasm", new KeygenCommand(), "--out", key.toString()), ExitCodes.OK, "the origin's signing key");
  }

  boolean publish(int expected) {
    return Narrator.expect(Commands.run("chasm", new PublishCommand(), origin.root().toString(), "--key", key.toString(), "--origin", REPO, "--expires", "1d"),
        ExitCodes.OK, "snapshot " + expected + " signed");
  }

  boolean startOrigin() throws IOException {
    announce("origin: chasmd oracle (Unix socket) + chasmd peer (tcp, relays to the oracle), two processes");
    String tree = origin.root().toString();
    children.start("origin-oracle", "oracle", "--tree", tree);
    originPeer = children.start("origin-peer", "peer", "--tree", tree, "--listen", "tcp://127.0.0.1:0");
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
    tier1Daemon = children.start("tier1", "--all", "--tree", tier1.toString(), "--upstream", originPeer.peerUri(),
        "--trust", key + ".pub", "--listen", "tcp://127.0.0.1:0", "--set", "oracle.check-served-chunks=false");
    System.out.println("tier-1 serves " + tier1Daemon.peerUri());
    return true;
  }

  boolean startTier2() throws IOException {
    announce("tier-2 mirror: chasmd oracle, peer and fetcher as three processes over Unix sockets, following the tier-1");
    tier2 = work.resolve("tier2/debian");
    Files.createDirectories(tier2);
    children.start("tier2-oracle", "oracle", "--tree", tier2.toString(), "--trust", key + ".pub");
    tier2Peer = children.start("tier2-peer", "peer", "--tree", tier2.toString(), "--listen", "tcp://127.0.0.1:0");
    tier2Fetcher = startTier2Fetcher();
    System.out.println("tier-2 serves " + tier2Peer.peerUri());
    return true;
  }

  private DaemonProcess startTier2Fetcher() throws IOException {
    return children.start("tier2-fetcher", "fetcher", "--tree", tier2.toString(), "--upstream", tier1Daemon.peerUri(),
        "--trust", key + ".pub");
  }

  boolean initialSync() throws Exception {
    announce("initial sync: origin -> tier-1 -> tier-2");
    heads.watch("tier-1", tier1Daemon.peerUri());
    heads.watch("tier-2", tier2Peer.peerUri());
    boolean ok = Narrator.waitFor(() -> heads.has("tier-2", 1), PROPAGATION);
    Narrator.printSyncLines(tier1Daemon, 1);
    Narrator.printSyncLines(tier2Fetcher, 1);
    System.out.printf(Locale.ROOT, "-> tier-2 serves snapshot 1, %.1f s after the tier-1 daemon was started (JVM start-ups included)%n",
        Narrator.secondsSince(mirrorsStarted));
    return ok || Narrator.fail("tier-2 did not reach snapshot 1: " + tier2Fetcher.logTail(3));
  }

  boolean pushUpdate() throws Exception {
    announce("update at the origin: a package replaced, a new one added, Packages/Release rewritten; chasm publish");
    origin.update(2);
    long published = System.nanoTime();
    if (!publish(2)) {
      return false;
    }
    long afterPublish = System.nanoTime();
    boolean ok = Narrator.waitFor(() -> heads.has("tier-2", 2), PROPAGATION);
    Narrator.printSyncLines(tier1Daemon, 2);
    Narrator.printSyncLines(tier2Fetcher, 2);
    if (!ok) {
      return Narrator.fail("snapshot 2 did not reach tier-2: " + tier2Fetcher.logTail(3));
    }
    System.out.printf(Locale.ROOT, "-> pushed through both tiers: tier-1 serves it %.0f ms and tier-2 %.0f ms after `chasm publish` returned"
        + " (publish itself, indexing included: %.0f ms)%n",
        (heads.seenAt("tier-1", 2) - afterPublish) / 1e6, (heads.seenAt("tier-2", 2) - afterPublish) / 1e6,
        (afterPublish - published) / 1e6);
    return true;
  }

  boolean verifyExpecting(Path tree, int exit, String meaning) {
    announce("chasm verify " + work.relativize(tree) + " --trust origin.key.pub   (expect exit " + exit + ")");
    return Narrator.expect(Commands.run("chasm", new VerifyCommand(), tree.toString(), "--trust", key + ".pub"), exit, meaning);
  }

  boolean tamperTier1AndWatchTier2Refuse() throws Exception {
    announce("tamper: the tier-2 fetcher is stopped; the origin publishes snapshot 3; a byte of its new package is flipped on the tier-1's disk");
    int code = tier2Fetcher.stop(Duration.ofSeconds(20));
    children.remove(tier2Fetcher);
    System.out.println("tier-2 fetcher stopped by SIGTERM, exit " + code);
    tamperedPath = origin.update(3);
    if (!publish(3) || !Narrator.waitFor(() -> heads.has("tier-1", 3), PROPAGATION)) {
      return Narrator.fail("tier-1 did not reach snapshot 3");
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
    boolean refused = Narrator.waitFor(() -> Narrator.logContains(tier2Fetcher, "HashMismatchException"), PROPAGATION);
    for (String line : tier2Fetcher.logText().split("\n")) {
      if (line.contains("HashMismatchException") || line.contains("banned")) {
        System.out.println("  tier-2 fetcher: " + line.substring(line.indexOf(']') + 2));
      }
    }
    if (!refused) {
      return Narrator.fail("the tier-2 did not refuse the damaged bytes: " + tier2Fetcher.logTail(3));
    }
    System.out.println("-> refused: the chunk of " + tamperedPath + " does not hash to its id, so nothing of snapshot 3 was published");
    System.out.println("-> tier-2 still serves snapshot " + heads.servedSequence(tier2Peer.peerUri()) + " (not 3)");
    return heads.servedSequence(tier2Peer.peerUri()) == 2 || Narrator.fail("tier-2 moved off snapshot 2");
  }

  boolean swarmStep() throws IOException {
    announce("swarm: one sync of snapshot 3 into a fresh directory from the origin, two honest mirrors, a liar and a bit-flipper");
    return new SwarmStep().run(work, origin.root(), originPeer.peerUri(), Path.of(key + ".pub"));
  }

  boolean collectorStep() throws IOException {
    announce("stats: the agent scans a real Apache log, submits to a collector");
    return stats.run(work);
  }

  boolean waitForBrowsing() {
    return stats.waitForBrowsing(noWait);
  }

  boolean stopAll() {
    announce("stop every daemon with SIGTERM (sockets removed, exit 0)");
    heads.close();
    boolean clean = children.stopInOrder();
    boolean socketsGone = !Files.exists(StateLocation.of(origin.root()).resolve("oracle.sock"))
        && !Files.exists(StateLocation.of(tier1).resolve("oracle.sock")) && !Files.exists(StateLocation.of(tier2).resolve("oracle.sock"));
    System.out.println(socketsGone ? "-> no socket files left" : "-> socket files left behind");
    return (clean && socketsGone) || Narrator.fail("unclean shutdown");
  }

  private void announce(String what) {
    narrator.announce(what);
  }

  private void stopChildrenQuietly() {
    stats.close();
    List<DaemonProcess> all = children.close();
    heads.close();
    DemoChildren.stopQuietly(all);
  }
}
