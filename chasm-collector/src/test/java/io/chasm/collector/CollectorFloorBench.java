package io.chasm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.server.CollectorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link CollectorFloorRun} against the database in {@code -Dscale.jdbc} (bench/collector-
 * scale.sh --floor N): the schema made by a collector that is then closed, the mirrors enrolled,
 * {@code scale.prefillDays} days written by {@link ScalePrefill}, then N batches of the scale
 * bench's shape through plain SQL. Not a test of the suite: skipped without the property.
 */
class CollectorFloorBench {
  @Test
  void floor() throws Exception {
    String jdbc = System.getProperty("scale.jdbc", "");
    Assumptions.assumeTrue(!jdbc.isEmpty(), "set -Dscale.jdbc to run");
    int mirrors = Integer.getInteger("scale.mirrors", 1000);
    CollectorScaleRun shape = new CollectorScaleRun(mirrors, 1, 1, 1);
    shape.prefillDays = Integer.getInteger("scale.prefillDays", 30);
    List<String> report = new ArrayList<>();
    try {
      Path data = Files.createTempDirectory("chasm-floor");
      try (CollectorServer server = CollectorServer.start(CollectorConfig.defaults(data).withJdbcUrl(jdbc)
          .withListen("127.0.0.1", 0))) {
        for (int m = 0; m < mirrors; m++) {
          TestMirror t = new TestMirror(String.format(Locale.ROOT, "mirror-%04d", m));
          server.store().enrol(t.name(), t.publicKey(), Optional.empty());
        }
      }
      if (shape.prefillDays > 0) {
        ScalePrefill.run(jdbc, CollectorScaleRun.FIRST, shape.prefillDays);
      }
      long[] ids = new long[mirrors];
      try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id FROM mirrors ORDER BY name")) {
        for (int i = 0; rs.next(); i++) {
          ids[i] = rs.getLong(1);
        }
      }
      new CollectorFloorRun(report).run(jdbc, shape, ids, Integer.getInteger("scale.floor", 2000),
          Integer.getInteger("scale.floorGroup", 8), Integer.getInteger("scale.floorRoll", 500));
    } finally {
      report.forEach(line -> System.out.println("collector-scale: " + line));
    }
    assertThat(report).isNotEmpty();
  }
}
