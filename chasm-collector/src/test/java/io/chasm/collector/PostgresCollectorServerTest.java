package io.chasm.collector;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The server tests on a real PostgreSQL 14, started once for the class. */
class PostgresCollectorServerTest extends AbstractCollectorServerTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Override
  String freshDatabaseUrl() throws Exception {
    return PG.newDatabase();
  }

  @Override
  String databaseName() {
    return "postgresql";
  }
}
