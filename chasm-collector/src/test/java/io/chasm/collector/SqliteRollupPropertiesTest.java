package io.chasm.collector;

import java.nio.file.Files;

/** The rollup properties on SQLite, a new file per try. */
class SqliteRollupPropertiesTest extends AbstractRollupPropertiesTest {
  @Override
  String freshDatabaseUrl() throws Exception {
    var f = Files.createTempFile("chasm-rollup", ".db");
    Files.delete(f);
    f.toFile().deleteOnExit();
    return "jdbc:sqlite:" + f;
  }
}
