package io.chasm.collector;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The freshness board against a real PostgreSQL 14 server (the upsert differs most there). */
class PostgresFreshnessBoardTest extends AbstractFreshnessBoardTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Override
  String freshDatabaseUrl() throws Exception {
    return PG.newDatabase();
  }
}
