package io.chasm.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end and keeps its exit code and its output (stdout and stderr, merged). */
record Cmd(List<String> argv, int exit, String output) {

  static Cmd run(Map<String, String> env, String... argv) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path out = Files.createTempFile("cmd", ".out");
    try {
      Process p = pb.redirectOutput(out.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("still running after 10 minutes: " + String.join(" ", argv));
      }
      return new Cmd(List.of(argv), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  static Cmd run(String... argv) throws IOException, InterruptedException {
    return run(Map.of(), argv);
  }

  /** Runs and fails with the command's output unless it exits 0. */
  static String ok(Map<String, String> env, String... argv) throws IOException, InterruptedException {
    Cmd c = run(env, argv);
    if (c.exit != 0) {
      throw new AssertionError(String.join(" ", argv) + " exited " + c.exit + ":\n" + c.output);
    }
    return c.output;
  }

  static String ok(String... argv) throws IOException, InterruptedException {
    return ok(Map.of(), argv);
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }
}
