package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Ticker;
import io.chasm.api.TransportException;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.http.HttpMirror;
import io.chasm.wire.peer.PeerClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

/** Opens the connections to a sync's upstream peers; an http(s) URI is a plain web mirror (SPEC §12). */
public final class UpstreamConnector {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpstreamConnector.class);

  private UpstreamConnector() {}

  /**
   * Connects to every URI in parallel.
   *
   * @param onBan told each upstream dropped (here: unreachable, with its URI), with the reason
   * @throws ChasmException the first connection failure if no upstream could be reached
   */
  public static Upstreams connect(List<URI> uris, ClientOptions options, Ticker ticker, Duration stall,
      BiConsumer<URI, String> onBan) throws ChasmException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(uris.size(), 8), r -> {
      Thread t = new Thread(r, "chasm-sync-connect");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<PeerClient>> fs = new ArrayList<>();
      for (URI u : uris) {
        fs.add(HttpMirror.accepts(u) ? null : pool.submit(() -> PeerClient.connect(u, options)));
      }
      List<Upstream> ok = new ArrayList<>();
      ChasmException first = null;
      for (int i = 0; i < uris.size(); i++) {
        if (fs.get(i) == null) {
          try {
            ok.add(Upstream.web(HttpMirror.open(uris.get(i), stall), ticker));
          } catch (IllegalArgumentException e) {
            first = first == null ? new TransportException(e.getMessage(), e) : first;
            onBan.accept(uris.get(i), e.getMessage());
          }
          continue;
        }
        try {
          ok.add(Upstream.peer(new PeerLink(uris.get(i), fs.get(i).get()), ticker));
        } catch (ExecutionException e) {
          ChasmException c = Upstreams.asChasm(e.getCause());
          first = first == null ? c : first;
          onBan.accept(uris.get(i), c.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TransportException("interrupted while connecting");
        }
      }
      if (ok.isEmpty()) {
        throw first;
      }
      return new Upstreams(ok, ticker, stall, (u, why) -> onBan.accept(u.uri(), why), first);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Connects to every URI in parallel and returns the upstreams reached (learned peers: no ban for the rest). */
  static List<Upstream> reachable(List<URI> uris, ClientOptions options, Ticker ticker) {
    List<CompletableFuture<Upstream>> fs = new ArrayList<>();
    for (URI u : uris) {
      fs.add(CompletableFuture.supplyAsync(() -> {
        try {
          return Upstream.peer(new PeerLink(u, PeerClient.connect(u, options)), ticker);
        } catch (ChasmException e) {
          LOG.debug("learned peer {} unreachable: {}", u, e.getMessage());
          return null;
        }
      }, r -> {
        Thread t = new Thread(r, "chasm-sync-connect");
        t.setDaemon(true);
        t.start();
      }));
    }
    List<Upstream> out = new ArrayList<>();
    for (CompletableFuture<Upstream> f : fs) {
      Upstream u = f.join();
      if (u != null) {
        out.add(u);
      }
    }
    return out;
  }

  /**
   * Opens more connections to each usable upstream, up to {@code perUpstream} in all, in parallel.
   * A connection that fails is simply not added (the ones there are keep working).
   */
  public static void widen(Upstreams ups, int perUpstream, ClientOptions options) {
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    for (Upstream u : ups.usable()) {
      if (u.web() != null) {
        continue; // a web mirror's client opens connections as requests need them
      }
      PeerLink link = u.peer();
      for (int i = link.connections(); i < perUpstream; i++) {
        fs.add(CompletableFuture.runAsync(() -> {
          try {
            link.addConnection(PeerClient.connect(link.uri(), options));
          } catch (ChasmException e) {
            LOG.debug("no extra connection to {}: {}", u, e.getMessage());
          }
        }, r -> {
          Thread t = new Thread(r, "chasm-sync-connect");
          t.setDaemon(true);
          t.start();
        }));
      }
    }
    for (CompletableFuture<Void> f : fs) {
      f.join();
    }
  }
}
