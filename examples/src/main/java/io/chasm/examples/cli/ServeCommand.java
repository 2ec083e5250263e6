package io.chasm.examples.cli;

import io.chasm.examples.common.ExitCodes;
import io.chasm.examples.common.StopSignals;
import io.chasm.examples.config.Settings;
import io.chasm.examples.config.ValueChecks;
import io.chasm.examples.metrics.MetricsEndpoint;
import io.chasm.examples.metrics.NodeMetrics;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chasm serve DIR --listen URI}: serves a published tree (origin or mirror) until SIGTERM. */
@Command(
    name = "serve",
    description = {
      "Serve a published tree (after chasm publish or chasm sync) to mirrors, read-only.",
      "Prints 'listening on URI' for each endpoint when ready; new snapshots recorded in DIR are picked up",
      "and pushed to subscribers. SIGTERM or SIGINT stops it gracefully.",
      "With --config FILE, DIR, --listen, --upload-limit, --advertise and --metrics default to the file's",
      "tree, serve.*, and metrics.listen keys (docs/config.md); flags override the file."
    })
public final class ServeCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "published tree (key: tree)")
  Path dir;

  @Option(names = "--listen", paramLabel = "URI",
      description = "endpoint, e.g. tcp://127.0.0.1:8730 or unix:///run/chasm.sock (repeatable; key: serve.listen)")
  List<URI> listen;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "the node's config file (docs/config.md)")
  Path config;

  @Option(names = "--metrics", paramLabel = "HOST:PORT",
      description = "serve Prometheus /metrics and /health here (key: metrics.listen; docs/operations.md)")
  String metrics;

  @picocli.CommandLine.Mixin StateOptions state;

  @picocli.CommandLine.Mixin AdmissionOptions admission;

  @Option(names = "--upload-limit", paramLabel = "RATE",
      description = "send at most RATE of objects and chunks in all, e.g. 20MB/s, shared between connections (key: serve.upload-limit)")
  String uploadLimit;

  @Option(names = "--advertise", paramLabel = "URI",
      description = "an endpoint listed to peers asking who holds the snapshot (GetPeers), e.g. a sibling mirror (repeatable; key: serve.advertise)")
  List<URI> advertise;

  @Override
  public Integer call() throws Exception {
    admission.check();
    Settings s = Settings.load(config, overrides());
    Path tree = Path.of(s.require("tree", "DIR")).toAbsolutePath().normalize();
    List<URI> endpoints = ValueChecks.uris("serve.listen", s.require("serve.listen", "--listen URI"));
    Long limit = s.isSet("serve.upload-limit") ? io.chasm.examples.common.Rates.parse(s.get("serve.upload-limit")) : null;
    List<String> advertised = ValueChecks.list(s.get("serve.advertise"));
    NodeMetrics m = s.isSet("metrics.listen") ? new NodeMetrics(Clock.systemUTC()) : null;
    Path stateDir = s.isSet("state") ? io.chasm.hashtree.index.StateLocation.resolve(tree, Path.of(s.get("state"))) : state.stateFor(tree);
    TreeServer server = TreeServer.start(tree, stateDir, endpoints,
        b -> {
          PeerServer.Builder a = io.chasm.examples.config.AdmissionSettings.apply(b, s);
          if (!advertised.isEmpty()) {
            a.advertise(advertised);
          }
          if (m != null) {
            a.decorateBackend(m.countServed());
          }
          return limit == null ? a : a.uploadLimit(limit);
        }, java.time.Duration.ofSeconds(1));
    MetricsEndpoint endpoint = null;
    if (m != null) {
      try {
        m.peerServer(server.server());
        var head = NodeMetrics.headOf(server.tree());
        m.servedSnapshot(head);
        endpoint = m.serve(ValueChecks.hostPort("metrics.listen", s.get("metrics.listen")), () -> NodeMetrics.servingHealth(head));
      } catch (java.io.IOException | RuntimeException e) {
        server.close();
        throw e;
      }
    }
    MetricsEndpoint metricsEndpoint = endpoint;
    for (URI u : server.uris()) {
      System.out.println("listening on " + u + " (" + server.tree().repository() + " #" + server.tree().sequence() + ")");
    }
    if (metricsEndpoint != null) {
      System.out.println("metrics on " + metricsEndpoint.uri() + "metrics");
    }
    System.out.flush();
    StopSignals.awaitThenClose("chasm-serve-shutdown", () -> {
      if (metricsEndpoint != null) {
        metricsEndpoint.close();
      }
      server.close();
    });
    return ExitCodes.OK;
  }

  /** The flags given, as config keys: they override the file. */
  private Map<String, String> overrides() {
    Map<String, String> o = new LinkedHashMap<>();
    if (dir != null) {
      o.put("tree", dir.toString());
    }
    if (state.state != null) {
      o.put("state", state.state.toString());
    }
    if (listen != null) {
      o.put("serve.listen", String.join(",", listen.stream().map(URI::toString).toList()));
    }
    if (uploadLimit != null) {
      o.put("serve.upload-limit", uploadLimit);
    }
    if (advertise != null) {
      o.put("serve.advertise", String.join(",", advertise.stream().map(URI::toString).toList()));
    }
    if (metrics != null) {
      o.put("metrics.listen", metrics);
    }
    admission.putOverrides(o);
    return o;
  }
}
