package io.chasm.collector;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The server tests on a real PostgreSQL 14, started once for the class. */
class PostgresCollectorServerTest extends AbstractCollectorServerTest {
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

  @Override
  String databaseName() {
    return "postgresql";
  }
}
