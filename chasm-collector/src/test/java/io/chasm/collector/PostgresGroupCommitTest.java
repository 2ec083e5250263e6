package io.chasm.collector;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The group-commit tests against a real PostgreSQL 14 server. */
class PostgresGroupCommitTest extends AbstractGroupCommitTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Override
  String freshDatabaseUrl() throws Exception {
    return PG.newDatabase();
  }
}
