package io.chasm.collector;

import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** The rollup properties on a real PostgreSQL server, a new database per try. */
class PostgresRollupPropertiesTest extends AbstractRollupPropertiesTest {
  // jqwik does not run JUnit extensions: the same server, started and stopped by jqwik's hooks.
  static final TestPostgres PG = new TestPostgres();

  @BeforeContainer
  static void startServer() throws Exception {
    PG.beforeAll(null);
  }

  @AfterContainer
  static void stopServer() throws Exception {
    PG.afterAll(null);
  }

  @Override
  String freshDatabaseUrl() throws Exception {
    return PG.newDatabase();
  }
}
