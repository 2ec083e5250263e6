package io.chasm.examples.common;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a foreground daemon command ends. SIGTERM and SIGINT wake the command's main thread, which
 * closes everything and returns, so the process exits 0: a JVM ended by the signal itself exits
 * 143, which systemd logs as a failure. A shutdown hook still closes everything on any other exit.
 */
public final class StopSignals {
  private StopSignals() {}

  /** Calls {@code onSignal} on SIGTERM and SIGINT instead of ending the JVM (where the JVM allows it). */
  @SuppressWarnings("restriction")
  public static void install(Runnable onSignal) {
    for (String name : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> onSignal.run());
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // Not available here: the signal ends the JVM and the shutdown hook closes everything.
      }
    }
  }

  /** Blocks until SIGTERM or SIGINT, then runs {@code close} once (also on any other exit of the JVM). */
  public static void awaitThenClose(String threadName, Runnable close) throws InterruptedException {
    AtomicBoolean closed = new AtomicBoolean();
    Runnable once = () -> {
      if (closed.compareAndSet(false, true)) {
        close.run();
      }
    };
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      once.run();
      stop.countDown();
    }, threadName);
    Runtime.getRuntime().addShutdownHook(hook);
    install(stop::countDown);
    stop.await();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs (or ran) close.
    }
    once.run();
  }
}
