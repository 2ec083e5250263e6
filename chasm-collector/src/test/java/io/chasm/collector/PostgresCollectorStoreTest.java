package io.chasm.collector;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The same storage tests against a real PostgreSQL 14 server, started once for the class. */
class PostgresCollectorStoreTest extends AbstractCollectorStoreTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Override
  String freshDatabaseUrl() throws Exception {
    return PG.newDatabase();
  }
}
