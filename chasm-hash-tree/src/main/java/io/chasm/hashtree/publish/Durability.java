package io.chasm.hashtree.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes written files durable. One {@code syncfs(2)} of the file system (through coreutils
 * {@code sync -f}) costs the same as flushing the dirty data once, where one {@code fsync} per file
 * costs a journal commit each: tens of thousands of small files would take minutes.
 */
public final class Durability {
  private Durability() {}

  /**
   * Flushes the whole file system holding {@code path}.
   *
   * @return false if that is not possible here (then fsync each file instead)
   */
  public static boolean syncFileSystem(Path path) {
    try {
      Process p = new ProcessBuilder("sync", "-f", path.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** fsyncs one file. */
  public static void force(Path file) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
