package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The two ways progress is shown, driven until it has been drawn a few times (no timing asserted). */
class ProgressLineTest {
  @Test
  void plain_printsWholeLinesWithoutControlCharacters() throws Exception {
    String err = drawThreeTimes(ProgressLine.Mode.PLAIN);
    assertThat(err.lines()).hasSizeGreaterThanOrEqualTo(3).allMatch(l -> l.startsWith("chasm: step "));
    assertThat(err).doesNotContain("\r").doesNotContain("\033");
  }

  @Test
  void terminal_redrawsOneLineAndErasesItWhenDone() throws Exception {
    String err = drawThreeTimes(ProgressLine.Mode.TERMINAL);
    assertThat(err).startsWith("\rchasm: step ").endsWith("\r\033[K").doesNotContain("\n");
  }

  @Test
  void quickWork_showsNothing() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int r = ProgressLine.whileRunning(ProgressLine.Mode.TERMINAL, err, Duration.ofMillis(1), Duration.ofDays(1),
        () -> "never", () -> 42);
    assertThat(r).isEqualTo(42);
    assertThat(buf.size()).isZero();
  }

  private static String drawThreeTimes(ProgressLine.Mode mode) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);
    CountDownLatch drawn = new CountDownLatch(3);
    AtomicInteger step = new AtomicInteger();
    String result = ProgressLine.whileRunning(mode, err, Duration.ofMillis(5), Duration.ZERO, () -> {
      drawn.countDown();
      return "chasm: step " + step.incrementAndGet();
    }, () -> {
      assertThat(drawn.await(60, TimeUnit.SECONDS)).isTrue();
      return "done";
    });
    assertThat(result).isEqualTo("done");
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void syncProgress_countsTowardsThePlanAndEstimatesFromTheRate() {
    AtomicLong now = new AtomicLong();
    SyncProgress p = new SyncProgress(3, now::get);
    assertThat(p.line()).isEqualTo("chasm: sync: reading the head, 3 source(s)");
    p.planned(120, 100, 40);
    now.addAndGet(2_000_000_000L);
    p.chunksFetched(25, 25L << 20);
    p.peerBanned(java.net.URI.create("tcp://liar:1"), "bad bytes");
    // 25 of 100 chunks in 2 s: 75 more take 6 s at that rate.
    assertThat(p.line()).isEqualTo("chasm: sync: 120 files; 25/100 chunks, 25 MiB, 12.5 MiB/s, 2 source(s), ETA 6 s");
  }
}
