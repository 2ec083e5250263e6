package io.chasm.collector;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

class SqliteSharedDatabaseTest extends AbstractSharedDatabaseTest {
  private static final AtomicInteger N = new AtomicInteger();
  @TempDir Path dir;

  @Override
  String freshDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("c" + N.incrementAndGet() + ".db");
  }
}
