package io.chasm.examples.chasmd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A {@code chasmd} running as a child process of this JVM (the demo, end-to-end tests, the soak
 * benchmark): started with the class path of this JVM, its output sent to a log file, ready once
 * it has written its run file, stopped with SIGTERM.
 */
public final class DaemonProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final Path runFile;
  private Map<String, String> status = Map.of();

  private DaemonProcess(String name, Process process, Path log, Path runFile) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.runFile = runFile;
  }

  /** {@link #start(String, Path, Duration, List, String, List)} with this JVM's class path. */
  public static DaemonProcess start(String name, Path dir, Duration timeout, List<String> jvmOptions, String... args)
      throws IOException {
    return start(name, dir, timeout, jvmOptions, System.getProperty("java.class.path"), List.of(args));
  }

  /**
   * Starts {@code java -cp CLASSPATH chasmd ARGS... --run-file DIR/NAME.run} with output to
   * {@code DIR/NAME.log} and waits until it is ready.
   *
   * @throws IOException if it exits or is not ready within {@code timeout} (its log's tail is in the message)
   */
  public static DaemonProcess start(String name, Path dir, Duration timeout, List<String> jvmOptions, String classPath,
      List<String> args) throws IOException {
    Files.createDirectories(dir);
    Path log = dir.resolve(name + ".log");
    Path run = dir.resolve(name + ".run");
    Files.deleteIfExists(run);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // As the launcher does: lets the index read inode numbers and ctime without extra syscalls.
    cmd.add("--add-opens");
    cmd.add("java.base/sun.nio.fs=ALL-UNNAMED");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(Chasmd.class.getName());
    cmd.addAll(args);
    cmd.add("--run-file");
    cmd.add(run.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    DaemonProcess d = new DaemonProcess(name, p, log, run);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(run)) {
      if (!p.isAlive()) {
        throw new IOException(name + " exited with " + p.exitValue() + " before it was ready: " + d.logTail(5));
      }
      if (System.nanoTime() > deadline) {
        d.kill();
        throw new IOException(name + " was not ready after " + timeout.toSeconds() + " s: " + d.logTail(5));
      }
      sleep(50);
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(run)) {
      props.load(in);
    }
    Map<String, String> m = new java.util.LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> m.put(k, props.getProperty(k)));
    d.status = Map.copyOf(m);
    return d;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  public Path log() {
    return log;
  }

  public Path runFile() {
    return runFile;
  }

  /** What the run file said: pid, and the URIs of the roles (oracle, peer, fetcher). */
  public Map<String, String> status() {
    return status;
  }

  /** The peer role's first listener URI. */
  public String peerUri() {
    String p = status.get("peer");
    if (p == null) {
      throw new IllegalStateException(name + " runs no peer role");
    }
    return p.split(",")[0];
  }

  /** The whole log so far. */
  public String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** The last {@code n} lines of the log, joined with " | ". */
  public String logTail(int n) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Sends SIGTERM and waits for the exit.
   *
   * @return the exit code (0 = clean shutdown), or -1 if it had to be killed after {@code timeout}
   */
  public int stop(Duration timeout) {
    if (!process.isAlive()) {
      return process.exitValue();
    }
    process.destroy();
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill();
    return -1;
  }

  /** SIGKILL, no questions. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(20));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
