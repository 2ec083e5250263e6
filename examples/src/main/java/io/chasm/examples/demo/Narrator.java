package io.chasm.examples.demo;

import io.chasm.examples.chasmd.DaemonProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/** What the demo prints: numbered steps with the time since the start, exit codes and failures. */
final class Narrator {
  private final long t0 = System.nanoTime();
  private int step;

  void announce(String what) {
    System.out.printf(Locale.ROOT, "%n== %d. %s   [%.1f s]%n", ++step, what, secondsSince(t0));
  }

  /** Seconds since the demo started. */
  double elapsed() {
    return secondsSince(t0);
  }

  static boolean fail(String why) {
    System.out.println("-> FAILED: " + why);
    return false;
  }

  static boolean expect(int got, int wanted, String meaning) {
    if (got == wanted) {
      System.out.println("-> exit " + got + ": " + meaning);
      return true;
    }
    System.out.println("-> exit " + got + ", expected " + wanted + " (" + meaning + ")");
    return false;
  }

  static void printSyncLines(DaemonProcess d, long sequence) throws IOException {
    for (String line : d.logText().split("\n")) {
      if (line.contains("synced #" + sequence + " ")) {
        System.out.println("  " + d.name() + ": " + line.substring(line.indexOf("synced")));
      }
    }
  }

  static boolean logContains(DaemonProcess d, String s) {
    try {
      return d.logText().contains(s);
    } catch (IOException e) {
      return false;
    }
  }

  static boolean waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  static double secondsSince(long t) {
    return (System.nanoTime() - t) / 1e9;
  }
}
