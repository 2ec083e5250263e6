package io.chasm.api.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * How long to wait before the next attempt after a failure: {@code initial * 2^(attempt-1)},
 * capped at {@code max}, optionally with full jitter (uniform in {@code [0, that]}), for at most
 * {@link #maxAttempts()} attempts. Immutable and thread-safe; it reads no clock and never sleeps,
 * so the caller decides what "waiting" means (a scheduler, a sleeper a test replaces).
 *
 * <pre>
 *   Backoff b = Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(30));
 *   b.delay(1); // 500 ms after the first failure, 1 s after the second, ... 30 s at most
 * </pre>
 */
public final class Backoff {
  private static final LongUnaryOperator NO_JITTER = cap -> cap;
  /** Uniform in {@code [0, cap]}; replaceable for tests with {@link #withJitter}. */
  public static final LongUnaryOperator FULL_JITTER = cap -> ThreadLocalRandom.current().nextLong(cap + 1);

  private final Duration initial;
  private final Duration max;
  private final int maxAttempts;
  private final LongUnaryOperator jitter;

  private Backoff(Duration initial, Duration max, int maxAttempts, LongUnaryOperator jitter) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + " and " + max);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    this.initial = initial;
    this.max = max;
    this.maxAttempts = maxAttempts;
    this.jitter = Objects.requireNonNull(jitter, "jitter");
  }

  /** Doubling from {@code initial} up to {@code max}, no jitter, no limit on attempts. */
  public static Backoff exponential(Duration initial, Duration max) {
    return new Backoff(initial, max, Integer.MAX_VALUE, NO_JITTER);
  }

  /** The same delay after every failure, no limit on attempts. */
  public static Backoff fixed(Duration delay) {
    return exponential(delay, delay);
  }

  /** This policy giving up after {@code attempts} attempts in all. */
  public Backoff withMaxAttempts(int attempts) {
    return new Backoff(initial, max, attempts, jitter);
  }

  /** This policy with full jitter: spreads clients that failed together over the whole delay. */
  public Backoff withFullJitter() {
    return withJitter(FULL_JITTER);
  }

  /**
   * This policy with {@code jitter} applied to each capped delay in milliseconds; it must return a
   * value in {@code [0, cap]} (a test may return a fixed one).
   */
  public Backoff withJitter(LongUnaryOperator jitter) {
    return new Backoff(initial, max, maxAttempts, jitter);
  }

  public Duration initial() {
    return initial;
  }

  public Duration max() {
    return max;
  }

  /** Attempts in all, the first one included; {@link Integer#MAX_VALUE} for no limit. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Whether another attempt may follow attempt number {@code attempt} (1 = the first). */
  public boolean mayRetryAfter(int attempt) {
    return attempt < maxAttempts;
  }

  /**
   * The wait after the {@code failures}-th failure in a row (1 = after the first).
   *
   * @throws IllegalArgumentException if {@code failures < 1}
   */
  public Duration delay(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be >= 1, got " + failures);
    }
    long cap = Math.min(max.toMillis(), initial.toMillis() << Math.min(20, failures - 1));
    long d = jitter.applyAsLong(cap);
    if (d < 0 || d > cap) {
      throw new IllegalStateException("jitter returned " + d + " outside [0, " + cap + "]");
    }
    return Duration.ofMillis(d);
  }

  @Override
  public String toString() {
    return "Backoff[" + initial.toMillis() + " ms doubling to " + max.toMillis() + " ms"
        + (jitter == NO_JITTER ? "" : ", jittered") + (maxAttempts == Integer.MAX_VALUE ? "" : ", " + maxAttempts + " attempts")
        + "]";
  }
}
