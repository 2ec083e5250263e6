package io.chasm.wire.sync.internal;

import io.chasm.api.Ticker;
import java.util.PriorityQueue;

/** Simulated time and the answers due in it: the scheduler's idle hook moves to the next one. */
final class SimNet implements Ticker {
  private record Event(long at, long seq, Runnable action) {}

  private final PriorityQueue<Event> due = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;

  @Override
  public long nanos() {
    return now;
  }

  void after(long nanos, Runnable action) {
    due.add(new Event(now + nanos, seq++, action));
  }

  /**
   * A tick every {@code period} from now on, so that a scheduler waiting for a slow (or no) answer
   * sees time pass (its request timeouts, its stall check) before that answer comes.
   */
  void tickEvery(long period) {
    after(period, () -> tickEvery(period));
  }

  /** Moves to the next answer and gives it. */
  void step() {
    Event e = due.poll();
    if (e != null) {
      now = e.at;
      e.action.run();
    }
  }
}
