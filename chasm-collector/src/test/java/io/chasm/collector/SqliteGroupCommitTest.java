package io.chasm.collector;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteGroupCommitTest extends AbstractGroupCommitTest {
  @TempDir Path dir;

  @Override
  String freshDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("collector.db");
  }
}
