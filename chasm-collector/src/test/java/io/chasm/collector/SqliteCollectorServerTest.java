package io.chasm.collector;

class SqliteCollectorServerTest extends AbstractCollectorServerTest {
  @Override
  String freshDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("collector.db");
  }

  @Override
  String databaseName() {
    return "sqlite";
  }
}
