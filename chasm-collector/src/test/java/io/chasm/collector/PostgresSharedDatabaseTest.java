package io.chasm.collector;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Two collectors on one real PostgreSQL database. */
class PostgresSharedDatabaseTest extends AbstractSharedDatabaseTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Override
  String freshDatabaseUrl() throws Exception {
    return PG.newDatabase();
  }
}
