package io.chasm.hashtree.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.ObjectId;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackObjectStoreTest {
  @TempDir Path dir;

  /** Trees of about 1 KiB each: 3,000 of them cross the 1 MiB flush threshold twice. */
  private static Tree tree(int i) throws Exception {
    return Tree.of(List.of(TreeEntry.symlink("link" + i, "target-" + i + "-" + "x".repeat(1000))));
  }

  @Test
  void get_beforeAndAfterFlushAndReopen_returnsWhatWasPut() throws Exception {
    Path f = dir.resolve("objects.pack");
    List<ObjectId> ids = new ArrayList<>();
    try (PackObjectStore s = PackObjectStore.open(f)) {
      for (int i = 0; i < 3000; i++) {
        ids.add(s.put(tree(i)));
        // Read back at once (still buffered) and an older one (maybe flushed already).
        assertThat(s.tree(ids.get(i))).isEqualTo(tree(i));
        assertThat(s.tree(ids.get(i / 2))).isEqualTo(tree(i / 2));
      }
      for (int i = 0; i < ids.size(); i++) {
        assertThat(s.tree(ids.get(i))).isEqualTo(tree(i));
      }
    }
    try (PackObjectStore r = PackObjectStore.openReadOnly(f)) {
      assertThat(r.size()).isEqualTo(3000);
      for (int i = 0; i < ids.size(); i++) {
        assertThat(r.tree(ids.get(i))).isEqualTo(tree(i));
      }
    }
  }
}
