package io.chasm.collector;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteShardedRollerTest extends AbstractShardedRollerTest {
  @TempDir Path dir;

  @Override
  String freshDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("collector.db");
  }
}
