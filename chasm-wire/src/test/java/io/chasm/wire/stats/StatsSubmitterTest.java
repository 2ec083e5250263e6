package io.chasm.wire.stats;

import io.chasm.api.retry.Backoff;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.wire.proto.stats.SignedStatsBatch;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The submission client against a scripted HTTP server on loopback. */
class StatsSubmitterTest {
  @TempDir Path spool;
  HttpServer server;
  final Deque<Integer> script = new ArrayDeque<>();
  final List<byte[]> received = new ArrayList<>();
  final List<Duration> slept = new ArrayList<>();
  volatile String retryAfter;
  final Ed25519Signer signer = Ed25519.generate();
  StatsSubmitter submitter;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/batches", ex -> {
      synchronized (received) {
        received.add(ex.getRequestBody().readAllBytes());
      }
      Integer code = script.isEmpty() ? 201 : script.poll();
      byte[] body = ("{\"status\":" + code + "}").getBytes();
      if (retryAfter != null && (code == 503 || code == 429)) {
        ex.getResponseHeaders().set("Retry-After", retryAfter);
      }
      ex.sendResponseHeaders(code, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    submitter = new StatsSubmitter(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), signer,
        Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).withFullJitter().withMaxAttempts(4), slept::add);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  void spool(String... names) throws Exception {
    for (String n : names) {
      Files.write(spool.resolve(n + DirectoryOutbox.SUFFIX), ("batch " + n).getBytes());
    }
  }

  List<String> left() throws Exception {
    return new DirectoryOutbox(spool).pending().stream().map(StatsSubmitter.Pending::name).toList();
  }

  @Test
  void drain_acknowledgedBatchesLeaveTheSpool_signedOverTheirExactBytes() throws Exception {
    spool("a", "b", "c");
    script.addAll(List.of(201, 200, 201));
    StatsSubmitter.Report r = submitter.drain(new DirectoryOutbox(spool));
    assertThat(r.complete()).isTrue();
    assertThat(r.acknowledged()).isEqualTo(3);
    assertThat(left()).isEmpty();
    SignedStatsBatch first = SignedStatsBatch.parseFrom(received.get(0));
    assertThat(first.getBatch().toStringUtf8()).isEqualTo("batch a");
    assertThat(first.getSignatureAlgorithm()).isEqualTo(1);
    Ed25519.verifier().verify(signer.publicKey(), first.getBatch().toByteArray(), first.getSignature().toByteArray());
    assertThat(first.getPublicKey().toByteArray()).isEqualTo(signer.publicKey().raw());
  }

  @Test
  void drain_transientErrors_areRetriedWithBackoff() throws Exception {
    spool("a");
    script.addAll(List.of(503, 500, 201));
    StatsSubmitter.Report r = submitter.drain(new DirectoryOutbox(spool));
    assertThat(r.complete()).isTrue();
    assertThat(received).hasSize(3);
    assertThat(slept).hasSize(2).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(1)));
  }

  @Test
  void drain_busyCollector_isLeftAloneForAtLeastItsRetryAfter() throws Exception {
    spool("a");
    retryAfter = "7";
    script.addAll(List.of(503, 429, 201));
    StatsSubmitter.Report r = submitter.drain(new DirectoryOutbox(spool));
    assertThat(r.complete()).isTrue();
    assertThat(received).hasSize(3);
    // The backoff alone would wait at most 1 s here.
    assertThat(slept).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
  }

  @Test
  void retryAfter_secondsOrHttpDate_cappedAndNeverNegative() {
    assertThat(StatsSubmitter.retryAfter("10")).isEqualTo(Duration.ofSeconds(10));
    assertThat(StatsSubmitter.retryAfter(" 3 ")).isEqualTo(Duration.ofSeconds(3));
    assertThat(StatsSubmitter.retryAfter("86400")).isEqualTo(StatsSubmitter.MAX_RETRY_AFTER);
    assertThat(StatsSubmitter.retryAfter("-5")).isZero();
    assertThat(StatsSubmitter.retryAfter(null)).isZero();
    assertThat(StatsSubmitter.retryAfter("soon")).isZero();
    assertThat(StatsSubmitter.retryAfter("Sun, 06 Nov 1994 08:49:37 GMT")).isZero();
    String inTwoMinutes = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
        .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusMinutes(2));
    assertThat(StatsSubmitter.retryAfter(inTwoMinutes)).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120));
  }

  @Test
  void drain_collectorDownForLong_stopsAndKeepsEverything() throws Exception {
    spool("a", "b");
    script.addAll(List.of(503, 503, 503, 503, 503));
    StatsSubmitter.Report r = submitter.drain(new DirectoryOutbox(spool));
    assertThat(r.complete()).isFalse();
    assertThat(r.remaining()).isEqualTo(2);
    assertThat(received).hasSize(4);
    assertThat(left()).containsExactly("a.batch", "b.batch");
  }

  @Test
  void drain_conflict_setsBatchAsideAndGoesOn() throws Exception {
    spool("a", "b");
    script.addAll(List.of(409, 201));
    StatsSubmitter.Report r = submitter.drain(new DirectoryOutbox(spool));
    assertThat(r.rejected()).isEqualTo(1);
    assertThat(r.acknowledged()).isEqualTo(1);
    assertThat(received).hasSize(2);
    assertThat(left()).isEmpty();
    assertThat(spool.resolve("rejected/a.batch")).exists();
    assertThat(Files.readString(spool.resolve("rejected/a.batch.reason"))).contains("409");
  }

  @Test
  void drain_unauthorized_stopsAtOnceWithoutRetrying() throws Exception {
    spool("a", "b");
    script.addAll(List.of(401));
    StatsSubmitter.Report r = submitter.drain(new DirectoryOutbox(spool));
    assertThat(r.stoppedBecause()).contains("401");
    assertThat(received).hasSize(1);
    assertThat(slept).isEmpty();
    assertThat(left()).containsExactly("a.batch", "b.batch");
  }

  @Test
  void send_unreachableCollector_isRetryable() throws Exception {
    int port = server.getAddress().getPort();
    server.stop(0);
    StatsSubmitter s = new StatsSubmitter(URI.create("http://127.0.0.1:" + port + "/"), signer);
    assertThat(s.send(new byte[] {1}).status()).isEqualTo(StatsSubmitter.Status.RETRY);
  }
}
