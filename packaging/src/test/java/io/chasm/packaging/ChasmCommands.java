package io.chasm.packaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The installed {@code chasm} command (the .deb's or the tarball's) driving an origin and a mirror. */
final class ChasmCommands {
  private static final Pattern LISTENING = Pattern.compile("listening on (tcp://\\S+)");

  private final String chasm;
  private final Map<String, String> env;

  ChasmCommands(String chasm, Map<String, String> env) {
    this.chasm = chasm;
    this.env = env;
  }

  String run(String... args) throws IOException, InterruptedException {
    return Cmd.ok(env, Cmd.concat(List.of(chasm), args).toArray(String[]::new));
  }

  /** A small origin tree: a few files in nested directories, one larger than a chunk. */
  static void writeTree(Path tree, String generation) throws IOException {
    Files.createDirectories(tree.resolve("dists/stable"));
    Files.createDirectories(tree.resolve("pool/main/h"));
    Files.writeString(tree.resolve("dists/stable/Release"), "Suite: stable\nGeneration: " + generation + "\n");
    byte[] big = new byte[300_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + i / 7);
    }
    Files.write(tree.resolve("pool/main/h/hello_1.0.deb"), big);
    Files.writeString(tree.resolve("README"), "mirror of a test origin\n");
  }

  /** Starts {@code chasm serve TREE} on a free loopback port; returns the process and the URI it prints. */
  Served serve(Path tree, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(chasm, "serve", tree.toString(), "--listen", "tcp://127.0.0.1:0")
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    List<String> seen = new ArrayList<>();
    // Not closed here: once the URI is read, a thread keeps draining the pipe into the log.
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = r.readLine()) != null) {
      seen.add(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> copy(r, log), "serve-log");
        drain.setDaemon(true);
        drain.start();
        return new Served(p, m.group(1));
      }
    }
    p.destroyForcibly();
    throw new AssertionError("chasm serve printed no 'listening on' line:\n" + String.join("\n", seen));
  }

  private static void copy(BufferedReader r, Path log) {
    try (r; var w = Files.newBufferedWriter(log)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.write(line);
        w.newLine();
      }
    } catch (IOException ignored) {
      // The process ended.
    }
  }

  record Served(Process process, String uri) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** path -> SHA-256 of every regular file under {@code root}, for comparing a mirror with its origin. */
  static Map<String, String> contents(Path root) throws IOException {
    Map<String, String> all = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return all;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        all.put(root.relativize(f).toString(), sha256(Files.readAllBytes(f)));
      }
    }
    return all;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
