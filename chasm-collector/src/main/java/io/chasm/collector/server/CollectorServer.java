package io.chasm.collector.server;

import io.chasm.collector.CollectorConfig;
import io.chasm.collector.CollectorStore;
import io.chasm.collector.internal.web.ApiRoutes;
import io.chasm.collector.internal.web.PageRoutes;
import io.javalin.Javalin;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running collector: the submission API, the read API and the website on one HTTP port (Javalin
 * on Jetty). {@link #close()} stops accepting, lets requests in flight finish (up to a few
 * seconds), then closes the database.
 */
public final class CollectorServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CollectorServer.class);

  private final Javalin app;
  private final CollectorStore store;
  private final URI uri;
  private volatile boolean closed;

  private CollectorServer(Javalin app, CollectorStore store, URI uri) {
    this.app = app;
    this.store = store;
    this.uri = uri;
  }

  /**
   * Opens the database in {@code config} and starts serving.
   *
   * @throws SQLException if the database cannot be opened or migrated
   * @throws IOException if the data directory cannot be created
   * @throws IllegalStateException if the port cannot be bound
   */
  public static CollectorServer start(CollectorConfig config) throws SQLException, IOException {
    if (config.jdbcUrl().isEmpty()) {
      Files.createDirectories(config.dataDir());
    }
    CollectorStore store = CollectorStore.open(config.effectiveJdbcUrl(), config.privacyThreshold(), 16);
    try {
      return start(config, store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Serves an already open store; the server closes it on {@link #close()}. */
  public static CollectorServer start(CollectorConfig config, CollectorStore store) {
    Javalin app = Javalin.create(
        cfg -> {
          cfg.showJavalinBanner = false;
          cfg.useVirtualThreads = false;
          cfg.jsonMapper(ApiRoutes.jsonMapper());
          cfg.http.maxRequestSize = config.maxBatchBytes();
          cfg.http.gzipOnlyCompression();
          cfg.jetty.modifyServer(server -> server.setStopTimeout(5_000));
        });
    new ApiRoutes(store, config.maxBatchBytes()).register(app);
    new PageRoutes(store).register(app);
    app.start(config.host(), config.port());
    String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    URI uri = URI.create("http://" + h + ":" + app.port() + "/");
    LOG.info("collector listening on {} ({} database)", uri, store.dialect());
    return new CollectorServer(app, store, uri);
  }

  /** Base URL of the site, ending in {@code /}. */
  public URI uri() {
    return uri;
  }

  public int port() {
    return app.port();
  }

  public CollectorStore store() {
    return store;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    app.stop();
    store.close();
  }
}
