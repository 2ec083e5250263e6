package io.chasm.examples.sync;

import io.chasm.examples.cli.ChasmCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the real CLI as a child process (the test class path, a fresh JVM) and inspects trees. */
final class Cli {
  private Cli() {}

  record Result(int exit, String out, String err) {}

  static ProcessBuilder command(Path logDir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
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
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    Process p = command(work, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
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

  /** Relative path -> "file:sha256", "link:target" or "dir", without the state directory. */
  static Map<String, String> listing(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    Path real = root.toRealPath();
    try (Stream<Path> s = Files.walk(real)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = real.relativize(p).toString();
        if (rel.isEmpty() || rel.equals(".chasm") || rel.startsWith(".chasm/")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "link:" + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "dir");
        } else {
          out.put(rel, "file:" + sha256(p));
        }
      }
    }
    return out;
  }

  static String sha256(Path p) throws IOException {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(Files.readAllBytes(p));
      return HexFormat.of().formatHex(d.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new origin key pair, {@code dir/origin.key} and {@code .pub}, made by {@code chasm keygen}. */
  static Path originKey(Path dir) {
    Path key = dir.resolve("origin.key");
    if (ChasmCli.run("keygen", "--out", key.toString()) != 0) {
      throw new IllegalStateException("chasm keygen failed");
    }
    return key;
  }

  /** {@code chasm publish TREE --key KEY [ARGS...]} in process; fails unless it exits 0. */
  static void publish(Path tree, Path key, String... args) {
    List<String> a = new ArrayList<>(List.of("publish", tree.toString(), "--key", key.toString()));
    a.addAll(List.of(args));
    if (ChasmCli.run(a.toArray(String[]::new)) != 0) {
      throw new IllegalStateException("chasm publish " + tree + " failed");
    }
  }

  static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Files.createSymbolicLink(t, Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
