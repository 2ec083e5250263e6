package io.chasm.examples.cli;

import io.chasm.examples.common.ExitCodes;
import io.chasm.wire.serve.TreeServer;
import io.chasm.wire.peer.PeerServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chasm serve DIR --listen URI}: serves a published tree (origin or mirror) until SIGTERM. */
@Command(
    name = "serve",
    description = {
      "Serve a published tree (after chasm publish or chasm sync) to mirrors, read-only.",
      "Prints 'listening on URI' for each endpoint when ready; new snapshots recorded in DIR are picked up",
      "and pushed to subscribers. SIGTERM or SIGINT stops it gracefully."
    })
public final class ServeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "published tree")
  Path dir;

  @Option(names = "--listen", required = true, paramLabel = "URI",
      description = "endpoint, e.g. tcp://127.0.0.1:8730 or unix:///run/chasm.sock (repeatable)")
  List<URI> listen;

  @picocli.CommandLine.Mixin StateOptions state;

  @picocli.CommandLine.Mixin AdmissionOptions admission;

  @Option(names = "--upload-limit", paramLabel = "RATE", converter = RateConverter.class,
      description = "send at most RATE of objects and chunks in all, e.g. 20MB/s, shared between connections")
  Long uploadLimit;

  @Option(names = "--advertise", paramLabel = "URI",
      description = "an endpoint listed to peers asking who holds the snapshot (GetPeers), e.g. a sibling mirror (repeatable)")
  List<URI> advertise;

  /** Turns a bad rate into picocli's one-line usage error (exit 2). */
  static final class RateConverter implements picocli.CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return io.chasm.examples.common.Rates.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    admission.check();
    TreeServer server = TreeServer.start(dir, state.stateFor(dir), listen,
        b -> {
          PeerServer.Builder a = admission.apply(b);
          if (advertise != null) {
            a.advertise(advertise.stream().map(URI::toString).toList());
          }
          return uploadLimit == null ? a : a.uploadLimit(uploadLimit);
        }, java.time.Duration.ofSeconds(1));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "chasm-serve-shutdown"));
    for (URI u : server.uris()) {
      System.out.println("listening on " + u + " (" + server.tree().repository() + " #" + server.tree().sequence() + ")");
    }
    System.out.flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
