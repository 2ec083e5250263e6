package io.chasm.hashtree.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.ObjectId;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackObjectStoreReadOnlyTest {
  @TempDir Path dir;

  @Test
  void openReadOnly_tornTail_keptAndIgnored() throws Exception {
    Path f = dir.resolve("objects.pack");
    ObjectId id;
    try (PackObjectStore w = PackObjectStore.open(f)) {
      id = w.put(Tree.of(List.of(TreeEntry.symlink("a", "b"))));
    }
    Files.write(f, new byte[] {3, 1, 7}, StandardOpenOption.APPEND); // another writer's append in progress
    long size = Files.size(f);
    try (PackObjectStore r = PackObjectStore.openReadOnly(f)) {
      assertThat(r.tree(id).entries()).hasSize(1);
      assertThatThrownBy(() -> r.put(Tree.empty())).isInstanceOf(IOException.class);
    }
    assertThat(Files.size(f)).isEqualTo(size);
  }
}
