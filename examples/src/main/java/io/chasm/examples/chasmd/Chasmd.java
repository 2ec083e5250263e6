package io.chasm.examples.chasmd;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.StopSignals;
import io.chasm.examples.metrics.FollowMetrics;
import io.chasm.examples.metrics.NodeMetrics;
import io.chasm.hashtree.sign.KeyFiles;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code chasmd}: the mirror daemon. Runs one or more roles ({@code oracle}, {@code peer},
 * {@code fetcher}; {@code --all} = every role that is configured) until SIGTERM or SIGINT, then
 * closes listeners (removing socket files), lets a running sync reach a safe point, and exits 0.
 * Operator guide: {@code docs/chasmd.md}.
 */
@Command(
    name = "chasmd",
    mixinStandardHelpOptions = true,
    description = "CHASM mirror daemon: oracle (owns the tree, Unix socket), peer (network), fetcher (follows upstreams).")
public final class Chasmd implements Callable<Integer> {
  enum Role { oracle, peer, fetcher }

  @Parameters(paramLabel = "ROLE", arity = "0..*", description = "roles to run in this process: oracle, peer, fetcher")
  List<Role> roles = new ArrayList<>();

  @Option(names = "--all", description = "run every role in this JVM (fetcher only if upstreams are configured)")
  boolean all;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "config file (Java properties; every key: docs/config.md)")
  Path config;

  @Option(names = "--tree", paramLabel = "DIR", description = "the tree (key: tree)")
  String tree;

  @Option(names = "--state", paramLabel = "DIR",
      description = "the tree's state directory: index, pack, history, lock (key: state; default outside the tree, see docs/sync.md)")
  String state;

  @Option(names = "--socket", paramLabel = "PATH", description = "the oracle's Unix socket (key: oracle.socket)")
  String socket;

  @Option(names = "--listen", paramLabel = "URI", description = "peer listener, repeatable (key: peer.listen)")
  List<String> listen;

  @Option(names = "--upstream", paramLabel = "URI", description = "upstream to follow, repeatable (key: fetcher.upstream)")
  List<String> upstream;

  @Option(names = "--trust", paramLabel = "KEY.pub", description = "origin public key, repeatable (key: fetcher.trust)")
  List<String> trust;

  @Option(names = "--repository", paramLabel = "NAME", description = "repository name (key: repository)")
  String repository;

  @Option(names = "--run-file", paramLabel = "FILE", description = "write pid and bound URIs here once ready (key: run-file)")
  String runFile;

  @Option(names = "--log-level", paramLabel = "LEVEL", description = "trace, debug, info, warn, error (key: log.level)")
  String logLevel;

  @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "serve Prometheus /metrics and /health here (key: metrics.listen)")
  String metrics;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "any config key, repeatable")
  Map<String, String> set = new LinkedHashMap<>();

  private final CountDownLatch stop = new CountDownLatch(1);
  private final Deque<Closeable> running = new ArrayDeque<>();
  private volatile RunFile writtenRunFile;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Parses {@code args}, runs until stopped, returns the exit code. */
  public static int run(String... args) {
    return Commands.configure("chasmd", new CommandLine(new Chasmd()).setCaseInsensitiveEnumValuesAllowed(true)).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    DaemonConfig c = DaemonConfig.load(config, overrides());
    configureLogging(c.logLevel());
    Logger log = LoggerFactory.getLogger(Chasmd.class);
    Set<Role> want = all ? EnumSet.allOf(Role.class) : EnumSet.noneOf(Role.class);
    want.addAll(roles);
    if (want.isEmpty()) {
      throw new IllegalArgumentException("no role: name oracle, peer and/or fetcher, or pass --all");
    }
    if (all && c.uris(DaemonKeys.FETCHER_UPSTREAM).isEmpty()) {
      log.info("no upstream configured: running as an origin (oracle and peer only)");
      want.remove(Role.fetcher);
    }
    TrustPolicy policy = trust(c);

    // SIGTERM/SIGINT end call() normally (exit 0); the hook is the safety net for other exits.
    StopSignals.install(stop::countDown);
    Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "chasmd-shutdown"));
    NodeMetrics metrics = DaemonMetrics.create(c);
    FollowMetrics follow = metrics == null ? null : metrics.followListener();
    Map<String, String> status = new LinkedHashMap<>();
    status.put("pid", Long.toString(ProcessHandle.current().pid()));
    try {
      OracleRole oracle = null;
      if (want.contains(Role.oracle)) {
        oracle = started(OracleRole.start(c, policy));
        status.put("oracle", oracle.socket().toString());
      }
      // The peer before the fetcher: its bound endpoints are what the fetcher advertises.
      PeerRole peer = null;
      if (want.contains(Role.peer)) {
        peer = started(oracle != null ? PeerRole.inProcess(c, oracle, metrics) : PeerRole.relaying(c, metrics));
        status.put("peer", String.join(",", peer.uris().stream().map(URI::toString).toList()));
      }
      if (want.contains(Role.fetcher)) {
        List<String> advertise = FetcherRole.advertised(c, peer == null ? List.of() : peer.uris());
        io.chasm.wire.follow.Announcer a = oracle != null
            ? FetcherRole.inProcess(oracle.backend(), advertise)
            : FetcherRole.overSocket(c.oracleSocket(), advertise);
        started(FetcherRole.start(c, policy, a, follow));
        status.put("fetcher", String.join(",", c.list(DaemonKeys.FETCHER_UPSTREAM)));
      }
      if (metrics != null) {
        status.put("metrics", started(DaemonMetrics.serve(c, metrics, oracle, peer, follow)).uri().toString());
      }
      if (c.isSet(DaemonKeys.RUN_FILE)) {
        writtenRunFile = RunFile.write(Path.of(c.get(DaemonKeys.RUN_FILE)), status);
      }
    } catch (Exception e) {
      closeAll();
      throw e;
    }
    log.info("chasmd ready: {}", status);
    stop.await();
    log.info("stopping");
    closeAll();
    return 0;
  }

  private Map<String, String> overrides() {
    Map<String, String> o = new LinkedHashMap<>(set);
    putIf(o, DaemonKeys.TREE, tree);
    putIf(o, DaemonKeys.STATE, state);
    putIf(o, DaemonKeys.ORACLE_SOCKET, socket);
    putIf(o, DaemonKeys.PEER_LISTEN, listen == null ? null : String.join(",", listen));
    putIf(o, DaemonKeys.FETCHER_UPSTREAM, upstream == null ? null : String.join(",", upstream));
    putIf(o, DaemonKeys.FETCHER_TRUST, trust == null ? null : String.join(",", trust));
    putIf(o, DaemonKeys.REPOSITORY, repository);
    putIf(o, DaemonKeys.RUN_FILE, runFile);
    putIf(o, DaemonKeys.LOG_LEVEL, logLevel);
    putIf(o, DaemonKeys.METRICS_LISTEN, metrics);
    return o;
  }

  private static void putIf(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  private static TrustPolicy trust(DaemonConfig c) throws IOException {
    List<Path> files = c.paths(DaemonKeys.FETCHER_TRUST);
    if (files.isEmpty()) {
      return null;
    }
    return KeyFiles.readTrustPolicy(files, c.threshold());
  }

  private <T extends Closeable> T started(T role) {
    synchronized (running) {
      running.push(role);
    }
    return role;
  }

  /** Closes roles in reverse start order (fetcher and peer before the oracle they use). Idempotent. */
  private void closeAll() {
    List<Closeable> toClose = new ArrayList<>();
    synchronized (running) {
      while (!running.isEmpty()) {
        toClose.add(running.pop());
      }
    }
    for (Closeable r : toClose) {
      try {
        r.close();
      } catch (IOException | RuntimeException e) {
        LoggerFactory.getLogger(Chasmd.class).warn("closing {}: {}", r, e.toString());
      }
    }
    RunFile f = writtenRunFile;
    if (f != null) {
      f.delete();
    }
  }

  /** slf4j-simple reads these once, at the first logger: set them before any is created. */
  static void configureLogging(String level) {
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", level);
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXX");
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    setDefault("org.slf4j.simpleLogger.levelInBrackets", "true");
    // A daemon's log is where a ban's evidence is kept (the CLI's properties quiet it: it prints bans itself).
    setDefault("org.slf4j.simpleLogger.log.io.chasm.wire.sync.internal.Upstreams", "warn");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

}
