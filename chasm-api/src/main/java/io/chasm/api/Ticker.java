package io.chasm.api;

/**
 * A monotonic clock in nanoseconds, for measuring durations (stalls, throughput, timings), never
 * wall time. Injected wherever code measures time, so a test or a simulator can drive it by hand;
 * {@link #SYSTEM} is {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds since an arbitrary fixed origin; only differences between two reads mean anything. */
  long nanos();

  Ticker SYSTEM = System::nanoTime;
}
