package io.chasm.collector;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The server tests on a real PostgreSQL 14, started once for the class. */
class PostgresCollectorServerTest extends AbstractCollectorServerTest {
  static EmbeddedPostgres pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "120").start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Override
  String freshDatabaseUrl() throws Exception {
    return PostgresCollectorStoreTest.newDatabase(pg);
  }

  @Override
  String databaseName() {
    return "postgresql";
  }
}
