package io.chasm.collector;

class SqliteRollerKillTest extends AbstractRollerKillTest {
  private int n;

  @Override
  String freshDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("collector-" + (++n) + ".db");
  }
}
