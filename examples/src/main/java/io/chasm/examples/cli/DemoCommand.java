package io.chasm.examples.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chasm demo}: the story so far, in a temporary directory: make a small distribution-like
 * tree, generate a key, publish a signed snapshot, verify the tree, tamper with one file, and
 * watch verification refuse it. Each step is one small method so later stories (mirroring over
 * several processes) can be added in between.
 */
@Command(name = "demo", description = "Run the whole story on a small generated tree in a temporary directory.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--keep", description = "keep the temporary directory and print its path")
  boolean keep;

  private Path work;
  private Path tree;
  private Path key;
  private int step;

  @Override
  public Integer call() throws Exception {
    work = Files.createTempDirectory("chasm-demo-");
    try {
      boolean ok =
          makeTree()
              && keygen()
              && publish()
              && verifyExpecting(ChasmCli.EXIT_OK, "the untouched tree verifies")
              && tamper()
              && verifyExpecting(ChasmCli.EXIT_FAILED_CHECK, "the tampered tree is refused");
      System.out.println(ok ? "\ndemo: all steps behaved as expected" : "\ndemo: FAILED (see above)");
      return ok ? ChasmCli.EXIT_OK : ChasmCli.EXIT_FAILED_CHECK;
    } finally {
      if (keep) {
        System.out.println("demo: kept " + work);
      } else {
        deleteRecursively(work);
      }
    }
  }

  private void announce(String what) {
    System.out.println("\n== " + (++step) + ". " + what);
  }

  boolean makeTree() throws IOException {
    announce("make a small distribution-like tree");
    tree = work.resolve("origin/debian");
    Random rnd = new Random(42);
    write("README", "Demo archive for chasm.\n".getBytes(StandardCharsets.UTF_8));
    write("dists/stable/Release", "Origin: Demo\nSuite: stable\n".getBytes(StandardCharsets.UTF_8));
    write("dists/stable/main/binary-amd64/Packages", "Package: hello\nVersion: 1.0\n".getBytes(StandardCharsets.UTF_8));
    for (String pkg : new String[] {"hello_1.0_amd64.deb", "world_2.3_amd64.deb", "tiny_0.1_all.deb"}) {
      byte[] b = new byte[pkg.startsWith("tiny") ? 2_000 : 300_000 + rnd.nextInt(200_000)];
      rnd.nextBytes(b);
      write("pool/main/" + pkg.charAt(0) + "/" + pkg.substring(0, pkg.indexOf('_')) + "/" + pkg, b);
    }
    Files.createSymbolicLink(tree.resolve("dists/latest"), Path.of("stable"));
    System.out.println("tree " + tree + ": 6 files, 1 symlink");
    return true;
  }

  private void write(String rel, byte[] content) throws IOException {
    Path p = tree.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
  }

  boolean keygen() {
    announce("chasm keygen --out KEY");
    key = work.resolve("origin.key");
    return expect(ChasmCli.run("keygen", "--out", key.toString()), ChasmCli.EXIT_OK, "key pair written");
  }

  boolean publish() {
    announce("chasm publish TREE --key KEY --expires 1d");
    return expect(
        ChasmCli.run("publish", tree.toString(), "--key", key.toString(), "--expires", "1d"),
        ChasmCli.EXIT_OK,
        "snapshot 1 signed");
  }

  boolean verifyExpecting(int exitCode, String meaning) {
    announce("chasm verify TREE --trust KEY.pub   (expect exit " + exitCode + ")");
    return expect(ChasmCli.run("verify", tree.toString(), "--trust", key + ".pub"), exitCode, meaning);
  }

  boolean tamper() throws IOException {
    announce("tamper: flip one bit in pool/main/h/hello/hello_1.0_amd64.deb");
    try (RandomAccessFile f = new RandomAccessFile(tree.resolve("pool/main/h/hello/hello_1.0_amd64.deb").toFile(), "rw")) {
      f.seek(1000);
      int b = f.read();
      f.seek(1000);
      f.write(b ^ 0x10);
    }
    return true;
  }

  private static boolean expect(int got, int wanted, String meaning) {
    if (got == wanted) {
      System.out.println("-> exit " + got + ": " + meaning);
      return true;
    }
    System.out.println("-> exit " + got + ", expected " + wanted + " (" + meaning + ")");
    return false;
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
