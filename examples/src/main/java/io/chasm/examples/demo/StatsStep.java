package io.chasm.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.collector.CollectorConfig;
import io.chasm.examples.cli.StatsCommand;
import io.chasm.examples.collector.CollectorDemo;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import io.chasm.wire.stats.StatsSubmitter;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The download-statistics part of the story: the stats agent scans the real sample log bundled
 * in the jar, spools signed-to-be batches, and they are submitted to an embedded collector,
 * whose API must then report the agent's totals. A resend must change nothing.
 */
final class StatsStep implements AutoCloseable {
  private volatile CollectorDemo collector;

  boolean run(Path work) throws IOException {
    Path statsDir = Files.createDirectories(work.resolve("stats"));
    Path log = statsDir.resolve("access.log");
    try (InputStream in = StatsStep.class.getResourceAsStream("/demo/apache-combined-sample.log")) {
      if (in == null) {
        return Narrator.fail("the sample log is missing from the jar");
      }
      Files.copy(in, log);
    }
    Path state = statsDir.resolve("agent-state");
    if (!Narrator.expect(Commands.run("chasm", new StatsCommand.Scan(), log.toString(), "--state", state.toString(),
        "--mirror-id", CollectorDemo.MIRROR), ExitCodes.OK, "the agent's report (client addresses never leave the agent)")) {
      return false;
    }
    try {
      collector = CollectorDemo.start(statsDir.resolve("collector"), CollectorConfig.DEFAULT_PRIVACY_THRESHOLD);
      StatsSubmitter.Report first = collector.submit(state.resolve("spool"));
      System.out.println("-> submitted: " + first.acknowledged() + " batches acknowledged, " + first.rejected() + " rejected");
      String before = projectTotals();
      System.out.print(before);
      // Resending is always safe: the collector recognises the batch ids and counts nothing twice.
      for (Path b : spooledBatches(state.resolve("spool"))) {
        collector.submit(Files.readAllBytes(b));
      }
      boolean same = before.equals(projectTotals());
      System.out.println(same ? "-> resent every batch: totals unchanged" : "-> resend changed the totals");
      System.out.println("-> browse the downloads at " + collector.uri());
      return first.acknowledged() > 0 && first.rejected() == 0 && same || Narrator.fail("the collector did not count the batches exactly once");
    } catch (SQLException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return Narrator.fail("collector: " + e.getMessage());
    }
  }

  private static List<Path> spooledBatches(Path spool) throws IOException {
    if (!Files.isDirectory(spool)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(spool)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".batch")).sorted().toList();
    }
  }

  /** One line per project from the collector's public read API. */
  private String projectTotals() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(collector.uri().resolve("api/v1/projects")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("collector API answered " + r.statusCode());
    }
    StringBuilder out = new StringBuilder();
    for (var p : new ObjectMapper().readTree(r.body()).get("projects")) {
      out.append(String.format(Locale.ROOT, "   collector: %-12s %6d downloads %14d bytes%n",
          p.get("project").asText(), p.get("downloads").asLong(), p.get("bytes").asLong()));
    }
    return out.toString();
  }

  /** Keeps the collector up for browsing until Ctrl-C, unless {@code noWait}. */
  boolean waitForBrowsing(boolean noWait) {
    CollectorDemo c = collector;
    if (c == null) {
      return true;
    }
    if (noWait) {
      c.close();
      collector = null;
      return true;
    }
    System.out.println();
    System.out.println("The collector keeps running at " + c.uri() + " -- press Ctrl-C to stop.");
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  @Override
  public void close() {
    CollectorDemo c = collector;
    if (c != null) {
      c.close();
    }
  }
}
