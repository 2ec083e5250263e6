package io.chasm.examples.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The CLI's one progress display, always on stderr (stdout stays the command's result, JSON with
 * {@code --json}). On a terminal: one line redrawn four times a second and erased when the work is
 * done. Otherwise (a log file, journald, a pipe): the same text as a plain line every
 * {@link #PLAIN_EVERY}, so a long run under cron or systemd shows it is alive without flooding the log.
 * {@code CHASM_PROGRESS=off|plain|terminal} overrides the choice (the test suites set {@code off}:
 * their one-line error contracts are checked on stderr, however slowly a loaded machine runs).
 */
final class ProgressLine {
  static final Duration REDRAW = Duration.ofMillis(250);
  static final Duration PLAIN_EVERY = Duration.ofSeconds(10);

  /** How progress is shown: redrawn in place, or as plain periodic lines. */
  enum Mode { TERMINAL, PLAIN }

  private ProgressLine() {}

  /**
   * Runs {@code work}, showing {@code line} on stderr meanwhile.
   *
   * @param showAfter nothing is shown for work that finishes sooner (no flicker on quick runs)
   */
  static <T> T whileRunning(Supplier<String> line, Duration showAfter, Callable<T> work) throws Exception {
    String forced = System.getenv().getOrDefault("CHASM_PROGRESS", "auto");
    if (forced.equals("off")) {
      return work.call();
    }
    Mode mode = forced.equals("plain") ? Mode.PLAIN
        : forced.equals("terminal") || stderrIsTerminal() ? Mode.TERMINAL : Mode.PLAIN;
    Duration every = mode == Mode.TERMINAL ? REDRAW : PLAIN_EVERY;
    Duration first = mode == Mode.TERMINAL ? showAfter : max(showAfter, PLAIN_EVERY);
    return whileRunning(mode, System.err, every, first, line, work);
  }

  /** {@link #whileRunning(Supplier, Duration, Callable)} with everything chosen by the caller (tests). */
  static <T> T whileRunning(Mode mode, PrintStream err, Duration every, Duration showAfter, Supplier<String> line,
      Callable<T> work) throws Exception {
    long start = System.nanoTime();
    long quiet = showAfter.toNanos();
    boolean[] drawn = {false};
    Thread drawer = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(every.toMillis());
          if (System.nanoTime() - start >= quiet) {
            String text = line.get();
            synchronized (drawn) {
              if (mode == Mode.TERMINAL) {
                err.print("\r" + text + "\033[K");
              } else {
                err.println(text);
              }
              drawn[0] = true;
            }
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
      if (mode == Mode.TERMINAL && drawn[0]) {
        err.print("\r\033[K");
      }
    }
  }

  // System.console() is null as soon as stdout is redirected (`chasm sync --json > r.json`), though
  // stderr may still be a terminal worth drawing on; on Linux /proc says where fd 2 goes.
  private static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      return System.console() != null;
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
