package io.chasm.collector;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same storage tests against a real PostgreSQL 14 server, started once for the class. */
class PostgresCollectorStoreTest extends AbstractCollectorStoreTest {
  static TestPostgres pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = TestPostgres.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Override
  String freshDatabaseUrl() throws Exception {
    return pg.newDatabase();
  }
}
