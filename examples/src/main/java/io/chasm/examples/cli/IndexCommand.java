package io.chasm.examples.cli;

import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.index.IndexProgress;
import io.chasm.hashtree.index.IndexResult;
import io.chasm.hashtree.index.TreeIndex;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chasm index DIR}: index or re-index a tree; only changed files are read. */
@Command(name = "index", description = "Index (or re-index) DIR: rehash only changed files, print the root tree id.")
public final class IndexCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "directory tree to index")
  Path dir;

  @Mixin StateOptions state;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    IndexResult r;
    long footprint;
    String walk;
    try (TreeIndex index = state.open(dir)) {
      IndexProgress p = new IndexProgress();
      r = StateOptions.withProgress(p, () -> index.updateFromJournal(p));
      footprint = index.footprint() + index.objects().footprint();
      walk = index.lastWalk();
    }
    if (json) {
      java.util.Map<String, Object> m = StateOptions.summary(r);
      m.put("index_heap_bytes", footprint);
      m.put("walk", walk);
      System.out.println(StateOptions.json(m));
    } else {
      r.warnings().forEach(w -> System.err.println("chasm: warning: " + w));
      System.out.println("root     " + r.rootTree());
      System.out.printf(Locale.ROOT, "files    %,d (%,d directories, %,d symlinks)%n", r.files(), r.directories(), r.symlinks());
      System.out.printf(Locale.ROOT, "bytes    %,d%n", r.bytes());
      System.out.printf(Locale.ROOT, "chunks   %,d%n", r.chunks());
      System.out.printf(Locale.ROOT, "rehashed %,d files, %,d bytes%n", r.rehashedFiles(), r.rehashedBytes());
      System.out.printf(Locale.ROOT, "seconds  %.3f%n", r.elapsed().toNanos() / 1e9);
    }
    return ExitCodes.OK;
  }
}
