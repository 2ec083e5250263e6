package io.chasm.examples.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chasm.examples.common.ExitCodes;
import io.chasm.examples.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chasm doctor}: the node's keys, sockets, tree, disk, inotify limit and clock, each OK, WARN or FAIL with a fix. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Diagnose a node from its config file: key files and their permissions, sockets, tree permissions,",
      "free disk space against the next snapshot, the inotify watch limit, and clock skew against the upstream.",
      "Each check prints OK, WARN or FAIL with a one-line fix (docs/operations.md). Run it as the daemon's user."
    },
    footer = "%nExit codes: 0 no FAIL (WARNs allowed); 1 at least one FAIL; 2 the config file is invalid or unreadable.")
public final class DoctorCommand implements Callable<Integer> {
  /** The installed packages' config file, used when --config is not given and it exists. */
  static final Path DEFAULT_CONFIG = Path.of("/etc/chasm/chasm.conf");

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "the node's config file (default: /etc/chasm/chasm.conf)")
  Path config;

  @Option(names = "--json", description = "print {\"config\":…, \"findings\":[{check, status, detail, fix}], \"failed\":N}")
  boolean json;

  @Option(names = "--no-network", description = "skip the checks that contact the upstreams (clock skew)")
  boolean noNetwork;

  @Override
  public Integer call() throws Exception {
    Path file = config != null ? config : Files.exists(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null;
    if (file == null) {
      throw new IllegalArgumentException("no config file: pass --config FILE (none at " + DEFAULT_CONFIG + ")");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file: pass the node's config file with --config FILE");
    }
    List<Finding> findings = diagnose(Settings.load(file, Map.of()), Clock.systemUTC(), !noNetwork);
    long failed = findings.stream().filter(f -> f.status() == Finding.Status.FAIL).count();
    if (json) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode root = m.createObjectNode();
      root.put("config", file.toString());
      ArrayNode a = root.putArray("findings");
      for (Finding f : findings) {
        a.addObject().put("check", f.check()).put("status", f.status().name()).put("detail", f.detail()).put("fix", f.fix());
      }
      root.put("failed", failed);
      System.out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } else {
      System.out.println("config " + file + ": valid");
      for (Finding f : findings) {
        System.out.printf("%-4s %-26s %s%s%n", f.status(), f.check(), f.detail(), f.fix().isEmpty() ? "" : "; fix: " + f.fix());
      }
      System.out.println(failed == 0 ? "no failures" : failed + " failure(s)");
    }
    return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED_CHECK;
  }

  /** Every check for the node {@code s} describes, in a fixed order. */
  static List<Finding> diagnose(Settings s, Clock clock, boolean network) {
    List<Finding> out = new ArrayList<>();
    out.addAll(KeyChecks.run(s));
    out.addAll(SocketChecks.run(s));
    out.addAll(TreeChecks.run(s, TreeChecks.MAX_WATCHES));
    if (network) {
      out.addAll(ClockCheck.run(s, clock));
    }
    return out;
  }
}
