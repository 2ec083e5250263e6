package io.chasm.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's path of the README on this machine: {@code dpkg -i} the .deb just built, check
 * what it installed, configure {@code /etc/chasm/chasm.conf} for a mirror of a local origin, start
 * {@code chasmd.service} (systemd, or the unit's own command line as its user when systemd is not
 * PID 1), watch it sync and follow a second publish, sync a second mirror from it, then remove and
 * purge the package and check that nothing it made is left. Needs root and dpkg (CI has both).
 */
class DebPackageIT {
  private static final String UNITS = "/usr/lib/systemd/system";
  private static final List<String> UNIT_NAMES =
      List.of("chasmd.service", "chasmd-oracle.service", "chasmd-peer.service", "chasmd-fetcher.service",
          "chasm-collector.service");
  private static final Pattern PEER_URI = Pattern.compile("tcp://127\\.0\\.0\\.1:\\d+");

  @TempDir Path tmp;

  @Test
  void installsRunsAMirrorUnderItsUnitAndPurgesCleanly() throws Exception {
    assumeTrue(Cmd.onPath("dpkg") && Cmd.onPath("dpkg-deb"), "dpkg is missing: not a Debian machine, the .deb cannot be installed here");
    assumeTrue(Cmd.ok("id", "-u").strip().equals("0"), "not root: dpkg -i needs root (CI runs .ci/run as root)");
    // One install at a time on a machine: another build's DebPackageIT would share /etc/chasm and the users.
    try (FileChannel lock = FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"), "chasm-deb-it.lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = lock.lock()) {
      installRunAndPurge(Packages.deb());
    }
  }

  private void installRunAndPurge(Path deb) throws Exception {
    assumeTrue(Cmd.run("dpkg-query", "-W", "chasm").exit() != 0 || purge(),
        "a chasm package was installed and could not be purged first");
    boolean hadVarLib = Files.exists(Path.of("/var/lib/chasm"));
    boolean hadSrvMirror = Files.exists(Path.of("/srv/mirror"));
    List<Path> packaged = packagedPaths(deb);
    String tree = "/srv/mirror/it-" + ProcessHandle.current().pid();
    try {
      dpkg("-i", deb.toString());
      checkInstalled(packaged);
      verifyUnits();
      runMirror(tree);

      dpkg("-r", "chasm");
      assertThat(Path.of("/usr/bin/chasm")).as("removed with the package").doesNotExist();
      assertThat(Path.of("/etc/chasm/chasm.conf")).as("remove keeps the conffile").exists();
      assertThat(Cmd.run("getent", "passwd", "chasm").exit()).as("remove keeps the user").isZero();

      // The operator's data is theirs to delete: the tree, and its state where it outlives the package.
      Cmd.ok("rm", "-rf", tree);
      if (hadVarLib) {
        deleteStateOf(tree);
      }
      dpkg("--purge", "chasm");
      List<String> left = new ArrayList<>();
      for (Path p : packaged) {
        if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)) {
          left.add(p.toString());
        }
      }
      for (String p : List.of("/etc/chasm", "/var/cache/chasm", "/var/cache/chasm-peer", "/run/chasm")) {
        if (Files.exists(Path.of(p))) {
          left.add(p);
        }
      }
      if (!hadVarLib && Files.exists(Path.of("/var/lib/chasm"))) {
        left.add("/var/lib/chasm");
      }
      if (!hadSrvMirror && Files.exists(Path.of("/srv/mirror"))) {
        left.add("/srv/mirror");
      }
      for (String user : List.of("chasm", "chasm-peer")) {
        if (Cmd.run("getent", "passwd", user).exit() == 0) {
          left.add("user " + user);
        }
      }
      if (Cmd.run("getent", "group", "chasm").exit() == 0) {
        left.add("group chasm");
      }
      assertThat(left).as("left behind by dpkg --purge").isEmpty();
      assertThat(Cmd.run("dpkg-query", "-W", "-f=${Status}", "chasm").output()).doesNotContain("installed");
    } finally {
      Cmd.run("rm", "-rf", tree);
      purge();
    }
  }

  private void checkInstalled(List<Path> packaged) throws Exception {
    for (Path p : packaged) {
      assertThat(Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).as(p + " installed").isTrue();
    }
    assertThat(Path.of("/usr/bin/chasm")).isExecutable();
    assertThat(Path.of("/usr/bin/chasmd")).isExecutable();
    for (String page : List.of("chasm", "chasmd", "chasm-sync", "chasm-serve", "chasm-publish")) {
      Path man = Path.of("/usr/share/man/man1", page + ".1.gz");
      assertThat(Cmd.ok("zcat", man.toString())).as(man.toString()).contains(".TH \"" + page.toUpperCase().replace("-", "\\-") + "\"");
    }
    assertThat(Cmd.ok("dpkg-query", "-W", "-f=${Conffiles}", "chasm")).contains("/etc/chasm/chasm.conf");
    String[] chasm = Cmd.ok("getent", "passwd", "chasm").strip().split(":");
    assertThat(chasm[6]).as("the chasm user cannot log in").endsWith("nologin");
    assertThat(Cmd.ok("id", "-gn", "chasm-peer").strip()).isEqualTo("chasm");
    assertThat(Files.getPosixFilePermissions(Path.of("/etc/chasm/chasm.conf")))
        .as("the config may name keys: not readable by others").doesNotContain(PosixFilePermission.OTHERS_READ);
    assertThat(Cmd.ok("chasm", "--version").strip()).startsWith("chasm ");
    assertThat(Cmd.ok("chasmd", "--help")).contains("Usage: chasmd");
  }

  private static void verifyUnits() throws Exception {
    if (!Cmd.onPath("systemd-analyze")) {
      System.out.println("systemd-analyze is missing: the units' syntax is not checked here");
      return;
    }
    List<String> argv = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
    UNIT_NAMES.forEach(u -> argv.add(UNITS + "/" + u));
    Cmd c = Cmd.run(argv.toArray(String[]::new));
    // Without systemd as PID 1 it cannot reach a bus; that is not a defect of the units.
    List<String> problems = c.output().lines()
        .filter(l -> l.contains("chasm"))
        .toList();
    assertThat(problems).as("systemd-analyze verify:\n" + c.output()).isEmpty();
  }

  private void runMirror(String tree) throws Exception {
    // The origin: keys and commands as root, its state in the test's directory.
    Map<String, String> env = Map.of("CHASM_STATE_HOME", tmp.resolve("origin-state").toString());
    ChasmCommands chasm = new ChasmCommands("/usr/bin/chasm", env);
    Path origin = tmp.resolve("origin");
    ChasmCommands.writeTree(origin, "1");
    chasm.run("keygen", "--out", tmp.resolve("origin.key").toString());
    // The shipped config follows repository "debian".
    chasm.run("publish", origin.toString(), "--key", tmp.resolve("origin.key").toString(), "--origin", "debian");
    // The operator's steps: the origin's public key and the config, readable by the daemon's group.
    Files.copy(tmp.resolve("origin.key.pub"), Path.of("/etc/chasm/origin.pub"));
    Cmd.ok("chgrp", "chasm", "/etc/chasm/origin.pub");
    Cmd.ok("chmod", "0640", "/etc/chasm/origin.pub");
    try (ChasmCommands.Served served = chasm.serve(origin, tmp.resolve("serve.log"))) {
      configure(tree, served.uri());
      Path log = Path.of(System.getProperty("chasm.packages", "target"), "chasmd-unit.log");
      try (UnitRunner unit = UnitRunner.start(Path.of(UNITS, "chasmd.service"), log)) {
        awaitSame(origin, Path.of(tree), unit, log);
        try (Stream<Path> files = Files.walk(Path.of(tree))) {
          for (Path f : (Iterable<Path>) files::iterator) {
            assertThat(Files.getOwner(f).getName()).as(f + " written by the unit's user").isEqualTo("chasm");
          }
        }
        // A second publish reaches the running daemon by push.
        ChasmCommands.writeTree(origin, "2");
        chasm.run("publish", origin.toString(), "--key", tmp.resolve("origin.key").toString());
        awaitSame(origin, Path.of(tree), unit, log);
        // The daemon serves onwards: a second mirror syncs from its peer listener.
        String peer = peerUri(awaitFile(Path.of("/run/chasm/chasmd.run"), unit, log));
        Path second = tmp.resolve("second");
        chasm.run("sync", peer, second.toString(), "--trust", tmp.resolve("origin.key.pub").toString());
        assertThat(ChasmCommands.contents(second)).isEqualTo(ChasmCommands.contents(origin));
        checkMetrics(awaitFile(Path.of("/run/chasm/chasmd.run"), unit, log));
        assertThat(unit.stop()).as("chasmd exits 0 on SIGTERM; log " + log).isZero();
      }
      ChasmCommands.writeTree(origin, "3");
      chasm.run("publish", origin.toString(), "--key", tmp.resolve("origin.key").toString());
      runSplitNode(origin, tree, chasm);
    }
    runCollector();
  }

  /** The statistics collector's unit: its website and health answer, its database is the unit user's. */
  private static void runCollector() throws Exception {
    Path conf = Path.of("/etc/chasm/chasm.conf");
    // A free port instead of the shipped 8470, as an operator sharing the host would pick one.
    Files.writeString(conf, Files.readString(conf) + "\ncollector.listen = 127.0.0.1:0\n");
    Path log = Path.of(System.getProperty("chasm.packages", "target"), "chasm-collector-unit.log");
    try (UnitRunner unit = UnitRunner.start(Path.of(UNITS, "chasm-collector.service"), log)) {
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      Matcher serving = Pattern.compile("(?m)^collector: serving (\\S+) ").matcher("");
      while (!serving.reset(readLog(log)).find()) {
        assertThat(unit.isAlive()).as("collector unit still running; log:\n" + readLog(log)).isTrue();
        assertThat(Instant.now()).as("collector serving; log:\n" + readLog(log)).isBefore(deadline);
        Thread.sleep(100);
      }
      URI base = URI.create(serving.group(1).endsWith("/") ? serving.group(1) : serving.group(1) + "/");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> home = http.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(home.statusCode()).as(home.body()).isEqualTo(200);
      assertThat(home.body()).contains("<html");
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9424/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
      Path db = Path.of("/var/lib/chasm/collector");
      assertThat(Files.getOwner(db).getName()).as(db + " made by the unit's user").isEqualTo("chasm");
      assertThat(unit.stop()).as("collector exits 0 on SIGTERM; log " + log).isZero();
    }
  }

  /**
   * The operator's next step after starting the unit: the shipped config's {@code metrics.listen}
   * answers Prometheus' scrape with the node's figures, and {@code /health} says it serves.
   */
  private static void checkMetrics(String runFile) throws Exception {
    Matcher m = Pattern.compile("(?m)^metrics=(\\S+)$").matcher(runFile);
    assertThat(m.find()).as("the run file names the metrics endpoint (shipped metrics.listen): " + runFile).isTrue();
    URI base = URI.create(m.group(1).endsWith("/") ? m.group(1) : m.group(1) + "/");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(base.resolve("metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    Matcher seq = Pattern.compile("(?m)^chasm_snapshot_sequence(\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(metrics.body());
    assertThat(seq.find()).as("chasm_snapshot_sequence in\n" + metrics.body()).isTrue();
    assertThat(Double.parseDouble(seq.group(2))).as("the served sequence after two publishes").isGreaterThanOrEqualTo(2);
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
  }

  /** The same node as three units: oracle and fetcher as {@code chasm}, the network peer as {@code chasm-peer}. */
  private void runSplitNode(Path origin, String tree, ChasmCommands chasm) throws Exception {
    Path dir = Path.of(System.getProperty("chasm.packages", "target"));
    Path oracleLog = dir.resolve("chasmd-oracle-unit.log");
    try (UnitRunner oracle = UnitRunner.start(Path.of(UNITS, "chasmd-oracle.service"), oracleLog)) {
      // Type=simple: systemd would start the others at once and restart them until the socket is
      // there (Restart=on-failure); here they wait for it.
      awaitFile(Path.of("/run/chasm/oracle.sock"), oracle, oracleLog);
      Path peerLog = dir.resolve("chasmd-peer-unit.log");
      Path fetcherLog = dir.resolve("chasmd-fetcher-unit.log");
      try (UnitRunner peer = UnitRunner.start(Path.of(UNITS, "chasmd-peer.service"), peerLog);
          UnitRunner fetcher = UnitRunner.start(Path.of(UNITS, "chasmd-fetcher.service"), fetcherLog)) {
        awaitSame(origin, Path.of(tree), fetcher, fetcherLog);
        String run = awaitFile(Path.of("/run/chasm/peer.run"), peer, peerLog);
        Matcher pid = Pattern.compile("(?m)^pid=(\\d+)").matcher(run);
        assertThat(pid.find()).as("pid in " + run).isTrue();
        assertThat(Files.getOwner(Path.of("/proc", pid.group(1))).getName()).as("the peer's user").isEqualTo("chasm-peer");
        assertThat(Cmd.run("setpriv", "--reuid=chasm-peer", "--regid=chasm", "--init-groups", "touch", tree + "/README").exit())
            .as("the peer's user cannot write the tree").isNotZero();
        Path third = tmp.resolve("third");
        chasm.run("sync", peerUri(run), third.toString(), "--trust", tmp.resolve("origin.key.pub").toString());
        assertThat(ChasmCommands.contents(third)).isEqualTo(ChasmCommands.contents(origin));
        assertThat(fetcher.stop()).as("fetcher exits 0 on SIGTERM; log " + fetcherLog).isZero();
        assertThat(peer.stop()).as("peer exits 0 on SIGTERM; log " + peerLog).isZero();
      }
      assertThat(oracle.stop()).as("oracle exits 0 on SIGTERM; log " + oracleLog).isZero();
    }
  }

  private static String awaitFile(Path file, UnitRunner unit, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (!Files.exists(file)) {
      assertThat(unit.isAlive()).as("unit still running; log:\n" + readLog(log)).isTrue();
      assertThat(Instant.now()).as(file + " appears; log:\n" + readLog(log)).isBefore(deadline);
      Thread.sleep(100);
    }
    return Files.isRegularFile(file) ? Files.readString(file) : "";
  }

  /** Edits the shipped config as an operator would: the tree, the upstream, the key, a free port. */
  private static void configure(String tree, String upstream) throws IOException {
    Path conf = Path.of("/etc/chasm/chasm.conf");
    String text = Files.readString(conf);
    text = set(text, "tree", tree);
    text = set(text, "fetcher.upstream", upstream);
    text = set(text, "fetcher.trust", "/etc/chasm/origin.pub");
    text = set(text, "peer.listen", "tcp://127.0.0.1:0");
    Files.writeString(conf, text);
  }

  private static String set(String conf, String key, String value) {
    Pattern line = Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*=.*$");
    assertThat(line.matcher(conf).find()).as("the shipped config has a line for " + key).isTrue();
    return line.matcher(conf).replaceFirst(Matcher.quoteReplacement(key + " = " + value));
  }

  private static void awaitSame(Path origin, Path mirror, UnitRunner unit, Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    Map<String, String> want = ChasmCommands.contents(origin);
    while (!ChasmCommands.contents(mirror).equals(want)) {
      assertThat(unit.isAlive()).as("chasmd.service still running; log:\n" + readLog(log)).isTrue();
      assertThat(Instant.now()).as("mirror caught up with the origin; log:\n" + readLog(log)).isBefore(deadline);
      Thread.sleep(200);
    }
  }

  /** The peer listener's URI from a run file ({@code peer=[tcp://127.0.0.1:PORT]}). */
  private static String peerUri(String run) {
    Matcher m = PEER_URI.matcher(run.lines().filter(l -> l.startsWith("peer")).findFirst().orElse(""));
    assertThat(m.find()).as("peer URI in " + run).isTrue();
    return m.group();
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The files and links the package holds ({@code dpkg-deb -c}: "perms owner size date time ./path[ -> target]"). */
  private static List<Path> packagedPaths(Path deb) throws Exception {
    return Cmd.ok("dpkg-deb", "-c", deb.toString()).lines()
        .filter(l -> !l.startsWith("d"))
        .map(l -> Path.of(l.substring(l.indexOf("./") + 1).replaceFirst(" -> .*$", "")))
        .toList();
  }

  private static void deleteStateOf(String tree) throws Exception {
    String prefix = tree.substring(1).replace('/', '-');
    Path home = Path.of("/var/lib/chasm/trees");
    if (Files.isDirectory(home)) {
      try (Stream<Path> dirs = Files.list(home)) {
        for (Path d : (Iterable<Path>) dirs.filter(d -> d.getFileName().toString().startsWith(prefix))::iterator) {
          Cmd.ok("rm", "-rf", d.toString());
        }
      }
    }
  }

  private static void dpkg(String... args) throws Exception {
    List<String> argv = Cmd.concat(List.of("dpkg"), args);
    // Another dpkg (an apt run elsewhere on the machine) may hold the lock for a while.
    for (int attempt = 1; ; attempt++) {
      Cmd c = Cmd.run(argv.toArray(String[]::new));
      if (c.exit() == 0) {
        return;
      }
      if (!c.output().contains("lock") || attempt == 20) {
        throw new AssertionError(String.join(" ", argv) + " exited " + c.exit() + ":\n" + c.output());
      }
      Thread.sleep(3000);
    }
  }

  private static boolean purge() {
    try {
      for (String u : UNIT_NAMES) {
        if (UnitRunner.systemdIsInit()) {
          Cmd.run("systemctl", "stop", u);
        }
      }
      Files.deleteIfExists(Path.of("/etc/chasm/origin.pub"));
      return Cmd.run("dpkg", "--purge", "chasm").exit() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
