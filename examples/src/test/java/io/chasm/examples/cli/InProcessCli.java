package io.chasm.examples.cli;

import io.chasm.examples.chasm.ChasmCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@link ChasmCli} in-process, as a test's one call, and keeps what it printed. */
public final class InProcessCli {
  private InProcessCli() {}

  /** A finished command: its exit code and what it wrote to stdout and stderr. */
  public record Run(int exit, String out, String err) {}

  /** Synchronized: {@code System.out} and {@code System.err} are swapped for the call's length. */
  public static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = ChasmCli.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
