package io.chasm.wire.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.wire.ServerLimits;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every deadline of ServerLimits, one at a time, on a clock the test moves. */
class ConnectionActivityTest {
  private final FakeTicker ticker = new FakeTicker();
  private final ServerLimits limits = ServerLimits.defaults()
      .withHandshakeTimeout(Duration.ofSeconds(10)).withIdleTimeout(Duration.ofMinutes(5))
      .withWriteTimeout(Duration.ofSeconds(60)).withMinReceiveRate(1000, Duration.ofSeconds(10));
  private final AtomicBoolean subscribed = new AtomicBoolean();
  /** Ticker time the current write began; 0 = none. */
  private final AtomicLong writeSince = new AtomicLong();
  private final ConnectionActivity a = new ConnectionActivity(ticker, limits, subscribed::get,
      now -> writeSince.get() == 0 ? 0 : now - writeSince.get());

  private String overdue() {
    return a.overdue(ticker.nanos());
  }

  @Test
  void handshake_cutAfterDeadline_evenWhileBytesTrickle() {
    ticker.advance(Duration.ofSeconds(8));
    a.welcomed(); // neither a Hello answered nor an Auth arriving byte by byte extends the deadline
    ticker.advance(Duration.ofSeconds(1));
    a.frameBegun();
    assertThat(overdue()).isNull();
    ticker.advance(Duration.ofMillis(1001));
    assertThat(overdue()).isEqualTo("handshake not finished in 10.0 s");
  }

  @Test
  void handshakeDone_inTime_thenIdleClockStarts() {
    ticker.advance(Duration.ofSeconds(9));
    a.ready();
    ticker.advance(Duration.ofSeconds(299));
    assertThat(overdue()).isNull();
    ticker.advance(Duration.ofSeconds(2));
    assertThat(overdue()).isEqualTo("idle for 301.0 s");
  }

  @Test
  void idle_withSubscription_isNeverCut() {
    a.ready();
    subscribed.set(true);
    ticker.advance(Duration.ofDays(3));
    assertThat(overdue()).isNull();
  }

  @Test
  void eachRequest_restartsTheIdleClock() {
    a.ready();
    for (int i = 0; i < 10; i++) {
      ticker.advance(Duration.ofMinutes(4));
      a.frameBegun();
      a.frameLength(20);
      a.serving();
      a.idle();
    }
    assertThat(overdue()).isNull();
  }

  @Test
  void slowFrame_cutWhenBelowTheFloorRate_afterGrace() {
    a.ready();
    a.frameBegun();
    a.frameLength(100_000); // 10 s grace + 100 s at 1000 bytes/s
    ticker.advance(Duration.ofSeconds(110));
    assertThat(overdue()).isNull();
    ticker.advance(Duration.ofMillis(10));
    assertThat(overdue()).startsWith("a frame of 100004 bytes still arriving after 110.0 s (below 1000 bytes/s)");
  }

  @Test
  void slowHeader_isHeldToTheRateToo() {
    a.ready();
    a.frameBegun(); // one byte of a header, then nothing
    ticker.advance(Duration.ofSeconds(11));
    assertThat(overdue()).startsWith("a frame of 4 bytes still arriving");
  }

  @Test
  void serving_isNotIdle_butABlockedWriteIsCut() {
    a.ready();
    a.serving();
    ticker.advance(Duration.ofHours(1)); // a long request being answered
    assertThat(overdue()).isNull();
    writeSince.set(ticker.nanos());
    ticker.advance(Duration.ofSeconds(60));
    assertThat(overdue()).isNull();
    ticker.advance(Duration.ofMillis(1));
    assertThat(overdue()).isEqualTo("not reading for 60.0 s");
  }

  @Test
  void evictionRank_handshakeFirst_busyNever_graceForTheRest() {
    long now = ticker.nanos();
    assertThat(a.evictionRank(now)).containsExactly(ConnectionActivity.HANDSHAKE, 0);
    a.welcomed();
    ticker.advance(Duration.ofMillis(5));
    assertThat(a.evictionRank(ticker.nanos())).containsExactly(ConnectionActivity.WELCOMED, Duration.ofMillis(5).toNanos());
    a.ready();
    assertThat(a.evictionRank(ticker.nanos())).isNull(); // idle for less than the grace
    ticker.advance(Duration.ofSeconds(2));
    assertThat(a.evictionRank(ticker.nanos())).containsExactly(ConnectionActivity.IDLE, Duration.ofSeconds(2).toNanos());
    subscribed.set(true);
    assertThat(a.evictionRank(ticker.nanos())[0]).isEqualTo(ConnectionActivity.SUBSCRIBED);
    a.serving();
    ticker.advance(Duration.ofSeconds(30));
    assertThat(a.evictionRank(ticker.nanos())).isNull();
    writeSince.set(ticker.nanos());
    ticker.advance(Duration.ofSeconds(3));
    assertThat(a.evictionRank(ticker.nanos())).containsExactly(ConnectionActivity.STALLED_WRITE, Duration.ofSeconds(3).toNanos());
  }
}
