package io.chasm.wire.internal.server;

import io.chasm.api.Ticker;
import io.chasm.wire.ServerLimits;
import io.chasm.wire.internal.frame.FrameReader;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;

/**
 * What one server connection is waiting for, and since when, on a {@link Ticker}: the watchdog
 * asks it whether a deadline has passed, admission asks it how cheaply the connection can be
 * evicted. Written by the connection's thread, read by others (volatile state, swapped whole).
 */
public final class ConnectionActivity implements FrameReader.Observer {
  /** A connection that has waited on its peer less than this is not evicted (unless in handshake). */
  static final long EVICT_GRACE_NANOS = 1_000_000_000L;

  /** Eviction classes, cheapest to evict first. */
  static final int HANDSHAKE = 0;
  static final int WELCOMED = 1;
  static final int IDLE = 2;
  static final int STALLED_WRITE = 3;
  static final int SUBSCRIBED = 4;

  private enum Phase { HANDSHAKE, WELCOMED, IDLE, RECEIVING, SERVING }

  private record State(Phase phase, long since, long frameLength) {}

  private final Ticker ticker;
  private final ServerLimits limits;
  private final BooleanSupplier subscribed;
  private final LongUnaryOperator writeBlockedFor;
  private final long opened;
  private volatile State state;

  /**
   * @param subscribed whether the connection holds a subscription (an open request)
   * @param writeBlockedFor nanoseconds the connection's current write has been blocked at a given
   *     time, 0 when none is
   */
  public ConnectionActivity(Ticker ticker, ServerLimits limits, BooleanSupplier subscribed, LongUnaryOperator writeBlockedFor) {
    this.ticker = ticker;
    this.limits = limits;
    this.subscribed = subscribed;
    this.writeBlockedFor = writeBlockedFor;
    this.opened = ticker.nanos();
    this.state = new State(Phase.HANDSHAKE, opened, 0);
  }

  /**
   * A valid Hello arrived and was answered: the peer spent a round trip, which silent sockets
   * never do, so it is evicted after them; the handshake deadline still runs from the connect.
   */
  void welcomed() {
    state = new State(Phase.WELCOMED, ticker.nanos(), 0);
  }

  /** The handshake is done; the connection waits for its first request. */
  void ready() {
    idle();
  }

  /** Waiting for the peer's next frame, with nothing in flight. */
  void idle() {
    state = new State(Phase.IDLE, ticker.nanos(), 0);
  }

  /** A request arrived and is being served. */
  void serving() {
    if (!inHandshake(state)) {
      state = new State(Phase.SERVING, ticker.nanos(), 0);
    }
  }

  @Override
  public void frameBegun() {
    if (!inHandshake(state)) {
      // The length is not known yet: hold the header itself to the rate.
      state = new State(Phase.RECEIVING, ticker.nanos(), 4);
    }
  }

  @Override
  public void frameLength(int length) {
    State s = state;
    if (s.phase == Phase.RECEIVING) {
      state = new State(Phase.RECEIVING, s.since, 4L + length);
    }
  }

  /** Why the connection must be closed at {@code now}, or null if it may stay. */
  public String overdue(long now) {
    State s = state;
    long blocked = writeBlockedFor.applyAsLong(now);
    if (blocked > limits.writeTimeout().toNanos()) {
      return "not reading for " + seconds(blocked);
    }
    long waited = now - s.since;
    return switch (s.phase) {
      case HANDSHAKE, WELCOMED -> now - opened > limits.handshakeTimeout().toNanos()
          ? "handshake not finished in " + seconds(now - opened) : null;
      case IDLE -> !subscribed.getAsBoolean() && waited > limits.idleTimeout().toNanos() ? "idle for " + seconds(waited) : null;
      case RECEIVING -> waited > limits.frameDeadlineNanos(s.frameLength)
          ? "a frame of " + s.frameLength + " bytes still arriving after " + seconds(waited)
              + " (below " + limits.minReceiveRate() + " bytes/s)"
          : null;
      case SERVING -> null;
    };
  }

  /**
   * How cheaply this connection can be evicted to admit another at {@code now}: {@code [class,
   * nanos waited]} (lower class first, then longer wait first), or null if it is busy being
   * served and must not be.
   */
  long[] evictionRank(long now) {
    State s = state;
    long waited = now - s.since;
    if (s.phase == Phase.HANDSHAKE) {
      return new long[] {HANDSHAKE, waited};
    }
    if (s.phase == Phase.WELCOMED) {
      return new long[] {WELCOMED, waited};
    }
    long blocked = writeBlockedFor.applyAsLong(now);
    if (s.phase == Phase.SERVING) {
      return blocked > EVICT_GRACE_NANOS ? new long[] {STALLED_WRITE, blocked} : null;
    }
    if (waited < EVICT_GRACE_NANOS) {
      return null;
    }
    return new long[] {subscribed.getAsBoolean() ? SUBSCRIBED : IDLE, waited};
  }

  private static boolean inHandshake(State s) {
    return s.phase == Phase.HANDSHAKE || s.phase == Phase.WELCOMED;
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
