package io.chasm.examples.metrics;

import java.util.function.Supplier;

/** What {@code /health} answers: ok (200) or not (503), with a one-line reason. */
public record Health(boolean ok, String reason) {
  public static Health ok(String reason) {
    return new Health(true, reason);
  }

  public static Health failing(String reason) {
    return new Health(false, reason);
  }

  /** A check that turns an exception into a failing answer naming it. */
  public static Health guarded(Supplier<Health> check) {
    try {
      return check.get();
    } catch (RuntimeException e) {
      return failing(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
