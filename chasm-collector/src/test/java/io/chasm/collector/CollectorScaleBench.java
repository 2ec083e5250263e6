package io.chasm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.server.CollectorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link CollectorScaleRun} against the database in {@code -Dscale.jdbc} (bench/collector-
 * scale.sh starts a PostgreSQL server for it). Not a test of the suite: its name keeps it out of
 * surefire's default includes, and without the property it is skipped.
 */
class CollectorScaleBench {
  @Test
  void scale() throws Exception {
    String jdbc = System.getProperty("scale.jdbc", "");
    Assumptions.assumeTrue(!jdbc.isEmpty(), "set -Dscale.jdbc to run");
    CollectorScaleRun run = new CollectorScaleRun(Integer.getInteger("scale.mirrors", 1000),
        Integer.getInteger("scale.days", 365), Integer.getInteger("scale.submitters", 8),
        Integer.getInteger("scale.producers", 2));
    run.prefillDays = Integer.getInteger("scale.prefillDays", 0);
    run.reuse = Boolean.getBoolean("scale.reuse");
    Path data = Files.createTempDirectory("chasm-scale");
    try (CollectorServer server = CollectorServer.start(CollectorConfig.defaults(data).withJdbcUrl(jdbc)
        .withListen("127.0.0.1", 0).withPrivacyThreshold(5))) {
      run.run(server, jdbc);
      run.measure(server, Integer.getInteger("scale.samples", 40), jdbc);
    } finally {
      run.report.forEach(line -> System.out.println("collector-scale: " + line));
    }
    assertThat(run.report).isNotEmpty();
  }
}
