package io.chasm.collector;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

class SqliteFreshnessBoardTest extends AbstractFreshnessBoardTest {
  private static final AtomicInteger N = new AtomicInteger();
  @TempDir Path dir;

  @Override
  String freshDatabaseUrl() {
    return "jdbc:sqlite:" + dir.resolve("f" + N.incrementAndGet() + ".db");
  }
}
