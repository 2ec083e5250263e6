package io.chasm.collector;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The sharded rollers against a real PostgreSQL 14 server. */
class PostgresShardedRollerTest extends AbstractShardedRollerTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Override
  String freshDatabaseUrl() throws Exception {
    return PG.newDatabase();
  }
}
