package io.chasm.examples.cli;

import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.index.IndexWatcher;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code chasm watch-index DIR}: keeps DIR's journal of dirty paths until killed, as {@code
 * chasmd} does with {@code oracle.watch-tree = true}, for an origin without the daemon (and the
 * benchmark, which should not time a daemon's start-up).
 */
@Command(name = "watch-index", description = "Journal DIR's changes until killed, so publish and index stat only what changed.")
public final class WatchIndexCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "directory tree to watch")
  Path dir;

  @Mixin StateOptions state;

  @Override
  public Integer call() throws Exception {
    try (IndexWatcher w = IndexWatcher.start(dir, state.stateFor(dir))) {
      System.out.println("watching " + dir.toAbsolutePath().normalize());
      System.out.flush();
      CountDownLatch never = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(w::close));
      never.await();
    }
    return ExitCodes.OK;
  }
}
