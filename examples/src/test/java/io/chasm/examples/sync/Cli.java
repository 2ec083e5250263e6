package io.chasm.examples.sync;

import io.chasm.examples.chasm.ChasmCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real CLI as a child process (the test class path, a fresh JVM). Trees and origins for
 * it: {@code io.chasm.testkit.Trees} and {@code Origin}.
 */
final class Cli {
  private Cli() {}

  record Result(int exit, String out, String err) {}

  static ProcessBuilder command(Path logDir, String... args) {
    return command(List.of(), args);
  }

  /** {@link #command(Path, String...)} with {@code jvmOptions} (system properties, e.g. a trust store). */
  static ProcessBuilder command(List<String> jvmOptions, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ChasmCli.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  /** Runs to completion (killed after {@code timeout}: then the exit code is -1). */
  static Result run(Path work, Duration timeout, String... args) throws IOException, InterruptedException {
    return run(work, timeout, List.of(), args);
  }

  /** {@link #run(Path, Duration, String...)} with {@code jvmOptions}. */
  static Result run(Path work, Duration timeout, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    Process p = command(jvmOptions, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    int exit;
    if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      exit = p.exitValue();
    } else {
      p.destroyForcibly().waitFor();
      exit = -1;
    }
    Result r = new Result(exit, Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }
}
