package io.chasm.examples.collector;

import io.chasm.collector.CollectorConfig;
import io.chasm.collector.server.CollectorServer;
import io.chasm.collector.CollectorStore;
import io.chasm.collector.model.Mirror;
import io.chasm.examples.common.ExitCodes;
import io.chasm.examples.common.StopSignals;
import io.chasm.examples.config.Settings;
import io.chasm.examples.config.ValueChecks;
import io.chasm.examples.metrics.MetricsEndpoint;
import java.util.Map;
import io.chasm.hashtree.sign.KeyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code chasm collector ...}: run the stats collector and enrol the mirrors that report to it. */
@Command(
    name = "collector",
    description = "Download-statistics collector: serve the submission API and website, enrol mirrors.",
    subcommands = {CollectorCommand.Serve.class, CollectorCommand.MirrorCommand.class})
public final class CollectorCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Where the collector's database is: shared by every subcommand. */
  static final class DbOptions {
    @Option(names = "--db", paramLabel = "JDBC_URL",
        description = "database (jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB?user=...); default: SQLite in the data dir")
    String db;

    @Option(names = "--data", paramLabel = "DIR", description = "data directory (default: ${DEFAULT-VALUE})",
        defaultValue = "${env:CHASM_COLLECTOR_DATA:-chasm-collector-data}")
    Path data;

    CollectorConfig config() {
      CollectorConfig c = CollectorConfig.defaults(data);
      return db == null ? c : c.withJdbcUrl(db);
    }

    CollectorStore open() throws SQLException, IOException {
      CollectorConfig c = config();
      if (c.jdbcUrl().isEmpty()) {
        Files.createDirectories(c.dataDir());
      }
      return CollectorStore.open(c.effectiveJdbcUrl(), c.privacyThreshold(), 1);
    }
  }

  @Command(name = "serve", description = {"Run the collector until stopped (Ctrl-C or SIGTERM stop it gracefully).",
      "With --config FILE, the collector.* and metrics.listen keys (docs/config.md) set what no flag sets."})
  static final class Serve implements Callable<Integer> {
    @Mixin DbOptions db = new DbOptions();

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "address to listen on (default: ${DEFAULT-VALUE}; key: collector.listen)",
        defaultValue = "127.0.0.1:" + CollectorConfig.DEFAULT_PORT)
    String listen;

    @Option(names = "--privacy-threshold", paramLabel = "N",
        description = "withhold figures with fewer unique downloaders than N (default: ${DEFAULT-VALUE}; key: collector.privacy-threshold)",
        defaultValue = "" + CollectorConfig.DEFAULT_PRIVACY_THRESHOLD)
    int threshold;

    @Option(names = "--max-batch-bytes", paramLabel = "N",
        description = "largest accepted submission (default: ${DEFAULT-VALUE}; key: collector.max-batch-bytes)",
        defaultValue = "" + CollectorConfig.DEFAULT_MAX_BATCH_BYTES)
    int maxBatch;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "the node's config file (docs/config.md)")
    Path configFile;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
        description = "serve Prometheus /metrics and /health here (key: metrics.listen; docs/operations.md)")
    String metrics;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CollectorConfig config;
      FileSettings f = new FileSettings(configFile == null ? null : Settings.load(configFile, Map.of()), spec);
      db.db = f.pick("--db", db.db, "collector.db");
      db.data = Path.of(f.pick("--data", db.data.toString(), "collector.data"));
      try {
        config = db.config().withListen(f.pick("--listen", listen, "collector.listen"))
            .withPrivacyThreshold(Integer.parseInt(f.pick("--privacy-threshold", "" + threshold, "collector.privacy-threshold")))
            .withMaxBatchBytes(Integer.parseInt(f.pick("--max-batch-bytes", "" + maxBatch, "collector.max-batch-bytes")));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      String metricsAt = f.pick("--metrics", metrics, "metrics.listen");
      CollectorServer server = CollectorServer.start(config);
      MetricsEndpoint endpoint = null;
      if (metricsAt != null && !metricsAt.isEmpty()) {
        try {
          endpoint = CollectorHealth.startMetrics(server, ValueChecks.hostPort("metrics.listen", metricsAt));
        } catch (IOException | RuntimeException e) {
          server.close();
          throw e;
        }
      }
      MetricsEndpoint metricsEndpoint = endpoint;
      System.out.println("collector: serving " + server.uri() + " (" + server.store().dialect() + ")");
      if (metricsEndpoint != null) {
        System.out.println("collector: metrics on " + metricsEndpoint.uri() + "metrics");
      }
      StopSignals.awaitThenClose("collector-shutdown", () -> {
        if (metricsEndpoint != null) {
          metricsEndpoint.close();
        }
        server.close();
      });
      return ExitCodes.OK;
    }
  }

  /** A flag given on the command line wins; else the file's value if the file sets the key; else the flag's default. */
  private record FileSettings(Settings file, CommandLine.Model.CommandSpec spec) {
    String pick(String flag, String flagValue, String key) {
      if (file == null || spec.commandLine().getParseResult().hasMatchedOption(flag) || file.source(key).equals("default")) {
        return flagValue;
      }
      return file.get(key);
    }
  }

  @Command(name = "mirror", description = "Enrol, list and revoke the mirrors allowed to submit.",
      subcommands = {MirrorCommand.Add.class, MirrorCommand.ListMirrors.class, MirrorCommand.Revoke.class})
  static final class MirrorCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(name = "add", description = "Enrol mirror NAME with its public key (KEY.pub from `chasm keygen`).")
    static final class Add implements Callable<Integer> {
      @Mixin DbOptions db = new DbOptions();

      @Parameters(index = "0", paramLabel = "NAME", description = "mirror name; its agent sends it as mirror_id")
      String name;

      @Option(names = "--key", required = true, paramLabel = "KEY.pub", description = "the mirror's public key file")
      Path key;

      @Option(names = "--project", paramLabel = "P", description = "count this mirror's rows only for project P")
      String project;

      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() throws Exception {
        var publicKey = KeyFiles.readPublicKey(key);
        try (CollectorStore store = db.open()) {
          Mirror m = store.enrol(name, publicKey, Optional.ofNullable(project));
          System.out.println("enrolled mirror " + m.name() + " key " + m.publicKey().keyId()
              + m.project().map(p -> " project " + p).orElse(""));
          return ExitCodes.OK;
        } catch (IllegalArgumentException e) {
          System.err.println("chasm: " + e.getMessage());
          return ExitCodes.ERROR;
        }
      }
    }

    @Command(name = "list", description = "List enrolled mirrors.")
    static final class ListMirrors implements Callable<Integer> {
      @Mixin DbOptions db = new DbOptions();

      @Override
      public Integer call() throws Exception {
        try (CollectorStore store = db.open()) {
          System.out.printf("%-24s %-8s %-16s %-8s %-21s %s%n", "NAME", "STATUS", "PROJECT", "BATCHES", "LAST BATCH", "KEY ID");
          for (Mirror m : store.mirrors()) {
            System.out.printf("%-24s %-8s %-16s %-8d %-21s %s%n", m.name(), m.revoked() ? "revoked" : "active",
                m.project().orElse("-"), m.batches(),
                m.lastBatchUnix() == 0 ? "never" : Instant.ofEpochSecond(m.lastBatchUnix()).toString(), m.publicKey().keyId());
          }
        }
        return ExitCodes.OK;
      }
    }

    @Command(name = "revoke", description = "Refuse mirror NAME's key from now on (what it sent stays counted).")
    static final class Revoke implements Callable<Integer> {
      @Mixin DbOptions db = new DbOptions();

      @Parameters(index = "0", paramLabel = "NAME")
      String name;

      @Override
      public Integer call() throws Exception {
        try (CollectorStore store = db.open()) {
          if (!store.revoke(name)) {
            System.err.println("chasm: no active mirror named " + name);
            return ExitCodes.ERROR;
          }
          System.out.println("revoked mirror " + name);
          return ExitCodes.OK;
        }
      }
    }
  }
}
