package io.chasm.collector;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The kill test with the collector process on a real PostgreSQL 14 server. */
class PostgresRollerKillTest extends AbstractRollerKillTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Override
  String freshDatabaseUrl() throws Exception {
    return PG.newDatabase();
  }
}
