package io.chasm.examples.sync;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chasm.hashtree.index.StateLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs the independent Python verifier, {@code tck/verify_tree.py}, on a tree and its state
 * directory ({@link StateLocation#of}). Skips the test (assumption) only when {@code /usr/bin/python3}
 * with the {@code cryptography} module is not there; CI installs python3-cryptography.
 */
final class PyVerify {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private PyVerify() {}

  /** Runs {@code verify_tree.py TREE --state STATE --trust KEY}; exit 0 match, 1 differences, 2 error. */
  static Cli.Result run(Path tree, Path trustedKey) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(PYTHON) && exec(PYTHON.toString(), "-c", "import cryptography").exit() == 0,
        "/usr/bin/python3 with the cryptography module is not available");
    return exec(PYTHON.toString(), script().toString(), tree.toString(), "--state", StateLocation.of(tree).toString(),
        "--trust", trustedKey.toString());
  }

  /** tck/verify_tree.py, found from the working directory (examples/ under Maven, or the repository root). */
  static Path script() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path s = p.resolve("tck").resolve("verify_tree.py");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new IllegalStateException("tck/verify_tree.py not found above " + Path.of("").toAbsolutePath());
  }

  private static Cli.Result exec(String... cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("verify-tree", ".out");
    Path err = Files.createTempFile("verify-tree", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      int exit;
      if (p.waitFor(120, TimeUnit.SECONDS)) {
        exit = p.exitValue();
      } else {
        p.destroyForcibly().waitFor();
        exit = -1;
      }
      return new Cli.Result(exit, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
