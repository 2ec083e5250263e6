package io.chasm.examples.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text exposition, written by Micrometer's registry) and {@code
 * /health} (200 or 503 with {@code {"status":…,"reason":…}}) on a JDK {@link HttpServer}, so the
 * daemons that have no web server need none.
 */
public final class MetricsEndpoint implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  /**
   * Binds {@code address} (port 0: a free one) and serves until {@link #close()}.
   *
   * @throws IOException if the address cannot be bound
   */
  public static MetricsEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry, Supplier<Health> health)
      throws IOException {
    InetSocketAddress bind = address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    HttpServer s;
    try {
      s = HttpServer.create(bind, 16);
    } catch (IOException e) {
      throw new IOException("cannot listen for metrics on " + address.getHostString() + ":" + address.getPort() + ": "
          + e.getMessage() + " (pick another metrics.listen / --metrics address)", e);
    }
    s.createContext("/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    s.createContext("/health", ex -> {
      Health h = Health.guarded(health);
      String body = JSON.writeValueAsString(Map.of("status", h.ok() ? "ok" : "failing", "reason", h.reason()));
      reply(ex, h.ok() ? 200 : 503, "application/json", body + "\n");
    });
    s.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "chasm-metrics-http");
      t.setDaemon(true);
      return t;
    }));
    s.start();
    return new MetricsEndpoint(s);
  }

  private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
    try (ex) {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.sendResponseHeaders(status, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    }
  }

  /** The base URI ({@code http://HOST:PORT/}) with the bound port. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    String h = a.getHostString().contains(":") ? "[" + a.getHostString() + "]" : a.getHostString();
    return URI.create("http://" + h + ":" + a.getPort() + "/");
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
