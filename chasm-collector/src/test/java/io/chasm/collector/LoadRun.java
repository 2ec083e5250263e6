package io.chasm.collector;

import static io.chasm.collector.TestMirror.row;

import io.chasm.collector.server.CollectorServer;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.wire.proto.stats.StatsBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many agents submitting at once over loopback: each agent is an enrolled mirror with its own key
 * that sends {@code batchesPerAgent} batches, one in ten of them a resend of an earlier one. Bodies
 * are signed before the clock starts, so the figure is the collector's.
 */
final class LoadRun {
  final int agents;
  final int batchesPerAgent;
  long distinctBatches;
  long expectedDownloads;
  long sent;
  long created;
  long duplicates;
  long failures;
  double seconds;

  LoadRun(int agents, int batchesPerAgent) {
    this.agents = agents;
    this.batchesPerAgent = batchesPerAgent;
  }

  LoadRun run(CollectorServer server) throws Exception {
    List<List<byte[]>> plans = new ArrayList<>();
    Random rnd = new Random(42);
    for (int a = 0; a < agents; a++) {
      TestMirror m = new TestMirror("load-" + a);
      server.store().enrol(m.name(), m.publicKey(), Optional.empty());
      List<byte[]> plan = new ArrayList<>();
      List<byte[]> made = new ArrayList<>();
      for (int i = 0; i < batchesPerAgent; i++) {
        if (i % 10 == 9) {
          plan.add(made.get(rnd.nextInt(made.size())));
          continue;
        }
        StatsBatch.Builder b = m.batch("load-" + i);
        long day = 86400L * (20400 + i % 7);
        for (int r = 0; r < 4; r++) {
          int artifact = rnd.nextInt(50);
          long dl = 1 + rnd.nextInt(20);
          b.addRows(row(Granularity.DAY, day, "load", "/pool/pkg" + artifact + ".deb", "deb", "http", dl, dl * 1000,
              "a" + a + "-" + rnd.nextInt(1000), "a" + a + "-" + rnd.nextInt(1000)));
          expectedDownloads += dl;
        }
        byte[] body = m.signed(b.build());
        made.add(body);
        plan.add(body);
        distinctBatches++;
      }
      plans.add(plan);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    URI endpoint = server.uri().resolve("api/v1/batches");
    AtomicLong ok201 = new AtomicLong();
    AtomicLong ok200 = new AtomicLong();
    AtomicLong bad = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(agents);
    long t0 = System.nanoTime();
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (List<byte[]> plan : plans) {
        fs.add(pool.submit(() -> {
          for (byte[] body : plan) {
            int code = post(http, endpoint, body);
            if (code == 201) {
              ok201.incrementAndGet();
            } else if (code == 200) {
              ok200.incrementAndGet();
            } else {
              bad.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    seconds = (System.nanoTime() - t0) / 1e9;
    sent = (long) agents * batchesPerAgent;
    created = ok201.get();
    duplicates = ok200.get();
    failures = bad.get();
    return this;
  }

  /** Posts once more after a 503 (the database asked to retry), as an agent would. */
  private static int post(HttpClient http, URI endpoint, byte[] body) throws Exception {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(120))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 503 || attempt >= 5) {
        return r.statusCode();
      }
      Thread.sleep(50L << attempt);
    }
  }

  String summary(String db) {
    return String.format(java.util.Locale.ROOT,
        "collector load (%s): %d agents x %d batches = %d posts (%d distinct, %d resends) in %.2f s: %.0f batches/s;"
            + " created %d, duplicate %d, failed %d",
        db, agents, batchesPerAgent, sent, distinctBatches, sent - distinctBatches, seconds, sent / seconds, created,
        duplicates, failures);
  }
}
