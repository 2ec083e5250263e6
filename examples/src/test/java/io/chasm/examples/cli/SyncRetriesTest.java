package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.TransportException;
import io.chasm.api.VerificationException;
import io.chasm.api.retry.Backoff;
import io.chasm.wire.ErrorCode;
import io.chasm.wire.PeerErrorException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What {@code chasm sync} retries, how often, how long it waits and what it says meanwhile. */
class SyncRetriesTest {
  private final List<Long> slept = new ArrayList<>();
  private final List<String> said = new ArrayList<>();
  /** No jitter, so the waits can be checked exactly. */
  private final Backoff threeRetries = Backoff.exponential(Duration.ofSeconds(10), SyncRetries.MAX_WAIT).withMaxAttempts(4);

  private <T> T run(java.util.concurrent.Callable<T> sync, Backoff b) throws Exception {
    return SyncRetries.run(sync, b, slept::add, said::add);
  }

  @Test
  void busyThenServed_retriesWithDoublingWaits_andReturnsTheResult() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String r = run(() -> {
      if (calls.incrementAndGet() < 3) {
        throw new PeerErrorException(ErrorCode.UNAVAILABLE, "tcp://u refused: UNAVAILABLE: too many connections");
      }
      return "synced";
    }, threeRetries);
    assertThat(r).isEqualTo("synced");
    assertThat(calls).hasValue(3);
    assertThat(slept).containsExactly(10_000L, 20_000L);
    assertThat(said).containsExactly(
        "chasm: tcp://u refused: UNAVAILABLE: too many connections; trying again in 10.0 s (retry 1 of 3)",
        "chasm: tcp://u refused: UNAVAILABLE: too many connections; trying again in 20.0 s (retry 2 of 3)");
  }

  @Test
  void unreachableEveryTime_givesUpAfterTheRetries_withTheLastError() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> run(() -> {
      throw new TransportException("no upstream answered (" + calls.incrementAndGet() + ")");
    }, threeRetries)).isInstanceOf(TransportException.class).hasMessage("no upstream answered (4)");
    assertThat(slept).containsExactly(10_000L, 20_000L, 40_000L);
    assertThat(said).hasSize(3);
  }

  @Test
  void failedChecksAndLocalErrors_areNeverRetried() {
    for (Exception e : List.of(new VerificationException("chunk does not match its id"),
        new PeerErrorException(ErrorCode.NOT_FOUND, "no such repository"), new IOException("No space left on device"),
        new TransportException("https://m/: PKIX path building failed", new javax.net.ssl.SSLHandshakeException("PKIX path")
            .initCause(new java.security.cert.CertificateException("unable to find valid certification path"))),
        new TransportException("not an http(s) URL with a host: http:///x/", new IllegalArgumentException("no host")))) {
      AtomicInteger calls = new AtomicInteger();
      assertThatThrownBy(() -> run(() -> {
        calls.incrementAndGet();
        throw e;
      }, threeRetries)).isSameAs(e);
      assertThat(calls).as(e.toString()).hasValue(1);
    }
    assertThat(slept).isEmpty();
    assertThat(said).isEmpty();
  }

  @Test
  void zeroRetries_failsAtOnce() {
    assertThatThrownBy(() -> run(() -> {
      throw new PeerErrorException(ErrorCode.INTERNAL, "boom");
    }, SyncRetries.backoff(Duration.ofSeconds(10), 0))).isInstanceOf(PeerErrorException.class);
    assertThat(slept).isEmpty();
  }

  @Test
  void theCommandsBackoff_isJittered_belowDoublingWaits_cappedAtFiveMinutes() throws Exception {
    Backoff b = SyncRetries.backoff(Duration.ofSeconds(10), 12);
    assertThat(b.maxAttempts()).isEqualTo(13);
    for (int failures = 1; failures <= 12; failures++) {
      long cap = Math.min(300_000L, 10_000L << (failures - 1));
      for (int i = 0; i < 50; i++) {
        assertThat(b.delay(failures).toMillis()).isBetween(0L, cap);
      }
    }
    assertThat(SyncRetries.backoff(Duration.ofHours(1), 1).initial()).isEqualTo(SyncRetries.MAX_WAIT);
  }
}
