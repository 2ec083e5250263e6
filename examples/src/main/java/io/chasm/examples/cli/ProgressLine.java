package io.chasm.examples.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The CLI's one progress display: a line on a terminal's stderr, redrawn four times a second
 * while a command works and erased when it is done. Nothing is drawn when stderr is not a
 * terminal, so scripts and tests see the same output as before.
 */
final class ProgressLine {
  private static final long REDRAW_MILLIS = 250;

  private ProgressLine() {}

  /**
   * Runs {@code work}, drawing {@code line} meanwhile if there is a console.
   *
   * @param showAfter nothing is drawn for work that finishes sooner (no flicker on quick runs)
   */
  static <T> T whileRunning(Supplier<String> line, Duration showAfter, Callable<T> work) throws Exception {
    if (System.console() == null) {
      return work.call();
    }
    PrintStream err = System.err;
    long start = System.nanoTime();
    long quiet = showAfter.toNanos();
    Thread drawer = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(REDRAW_MILLIS);
          if (System.nanoTime() - start >= quiet) {
            err.print("\r" + line.get() + "\033[K");
          }
        }
      } catch (InterruptedException e) {
        // done
      }
    }, "chasm-progress");
    drawer.setDaemon(true);
    drawer.start();
    try {
      return work.call();
    } finally {
      drawer.interrupt();
      drawer.join();
      if (System.nanoTime() - start >= quiet) {
        err.print("\r\033[K");
      }
    }
  }
}
