package io.chasm.examples.cli;

import io.chasm.api.ObjectId;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.diff.TreeChange;
import io.chasm.hashtree.diff.TreeDiff;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chasm diff DIR [--from SEQ] [--to SEQ]}: what changed between two published snapshots. */
@Command(name = "diff", description = "List paths added (A), removed (D), modified (M) or changed in kind (T) between two snapshots.")
public final class DiffCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "published directory tree")
  Path dir;

  @Option(names = "--from", paramLabel = "SEQ", description = "older snapshot (default: the one before --to; 0 = empty tree)")
  Long from;

  @Option(names = "--to", paramLabel = "SEQ", description = "newer snapshot (default: the latest)")
  Long to;

  @Mixin StateOptions state;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Path stateDir = state.stateFor(dir);
    SnapshotHistory history = SnapshotHistory.open(stateDir.resolve("snapshots"));
    long latest = history.latestSequence();
    if (latest == 0) {
      throw new IOException(stateDir + ": no snapshots published yet");
    }
    long toSeq = to != null ? to : latest;
    long fromSeq = from != null ? from : toSeq - 1;
    Tree empty = Tree.empty();
    ObjectId fromRoot = fromSeq == 0 ? empty.id() : root(history, fromSeq);
    ObjectId toRoot = toSeq == 0 ? empty.id() : root(history, toSeq);
    List<TreeChange> changes;
    try (PackObjectStore pack = PackObjectStore.openReadOnly(stateDir.resolve("objects.pack"))) {
      ObjectStore withEmpty =
          new ObjectStore() {
            @Override
            public Optional<byte[]> get(ObjectId id) throws IOException {
              return id.equals(empty.id()) ? Optional.of(empty.encode()) : pack.get(id);
            }

            @Override
            public void put(ObjectId id, byte[] encoded) {
              throw new UnsupportedOperationException("read-only");
            }
          };
      changes = TreeDiff.diff(withEmpty, fromRoot, toRoot);
    }
    if (json) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (TreeChange c : changes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("change", c.type().name().toLowerCase(java.util.Locale.ROOT));
        m.put("path", c.pathString());
        out.add(m);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from", fromSeq);
      m.put("to", toSeq);
      m.put("changes", out);
      System.out.println(StateOptions.json(m));
    } else {
      for (TreeChange c : changes) {
        System.out.println(letter(c.type()) + " " + c.pathString());
      }
    }
    return ExitCodes.OK;
  }

  private static ObjectId root(SnapshotHistory h, long seq) throws Exception {
    SignedSnapshot s = h.get(seq).orElseThrow(() -> new IOException("no snapshot with sequence " + seq));
    return s.snapshot().rootTree();
  }

  private static String letter(TreeChange.Type t) {
    return switch (t) {
      case ADDED -> "A";
      case REMOVED -> "D";
      case MODIFIED -> "M";
      case KIND_CHANGED -> "T";
    };
  }
}
