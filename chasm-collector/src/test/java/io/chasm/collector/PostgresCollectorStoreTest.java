package io.chasm.collector;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same storage tests against a real PostgreSQL 14 server, started once for the class. */
class PostgresCollectorStoreTest extends AbstractCollectorStoreTest {
  private static final AtomicInteger N = new AtomicInteger();
  static EmbeddedPostgres pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Override
  String freshDatabaseUrl() throws Exception {
    return newDatabase(pg);
  }

  static String newDatabase(EmbeddedPostgres pg) throws Exception {
    String name = "collector_" + N.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return pg.getJdbcUrl("postgres", name);
  }
}
