package io.chasm.hashtree.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.publish.MirrorState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateLockTest {
  @TempDir Path dir;

  @Test
  void acquire_heldElsewhere_namesTheDirectoryAndFreesAfterClose() throws Exception {
    try (StateLock held = StateLock.acquire(dir)) {
      assertThatThrownBy(() -> StateLock.acquire(dir))
          .isInstanceOf(IOException.class)
          .hasMessage(dir + ": in use by another chasm process (pid " + ProcessHandle.current().pid()
              + "); wait for it to finish or stop it, then run this again");
    }
    StateLock.acquire(dir).close();
  }

  @Test
  void acquire_heldByAnotherProcess_namesItsPid() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StateLockHolder.class.getName(),
        dir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      // The holder prints a line once it holds the lock, then waits for stdin to close.
      assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine()).isEqualTo("held");
      assertThatThrownBy(() -> StateLock.acquire(dir))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use by another chasm process (pid " + holder.pid() + ")");
    } finally {
      holder.getOutputStream().close();
      holder.waitFor();
    }
    StateLock.acquire(dir).close();
  }

  /** The other process of {@link #acquire_heldByAnotherProcess_namesItsPid}. */
  public static final class StateLockHolder {
    public static void main(String[] args) throws Exception {
      try (StateLock l = StateLock.acquire(Path.of(args[0]))) {
        System.out.println("held");
        System.out.flush();
        System.in.read();
      }
    }
  }

  @Test
  void indexAndMirrorState_excludeEachOtherOnOneTree() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    try (TreeIndex index = TreeIndex.open(tree)) {
      assertThatThrownBy(() -> MirrorState.open(tree)).hasMessageContaining("in use by another chasm process");
    }
    try (MirrorState m = MirrorState.open(tree)) {
      assertThat(m.destination()).isEqualTo(tree.toAbsolutePath().normalize());
      assertThatThrownBy(() -> TreeIndex.open(tree)).hasMessageContaining("in use by another chasm process");
    }
  }
}
