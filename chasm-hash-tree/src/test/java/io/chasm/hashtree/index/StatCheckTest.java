package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stat check against an index of the published tree: what it calls damaged, and what it cannot see. */
class StatCheckTest {
  @TempDir Path dir;
  Path tree;
  Path state;
  ObjectId published;

  @BeforeEach
  void publish() throws Exception {
    tree = dir.resolve("tree");
    state = dir.resolve("state");
    write("a/one", "one\n");
    write("a/two", "two\n".repeat(100));
    write("b/c/three", "three\n");
    write("b/four", "four\n");
    write("top", "top\n");
    Files.createSymbolicLink(tree.resolve("link"), Path.of("a/one"));
    Files.createSymbolicLink(tree.resolve("escape"), Path.of("/etc/passwd")); // never created on mirrors
    try (TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      published = index.update().rootTree();
    }
  }

  @Test
  void untouchedTree_nothingDamaged() throws Exception {
    StatCheck.Result r = check();
    assertThat(r.indexed()).isTrue();
    assertThat(r.damaged()).isEmpty();
  }

  @Test
  void deletedTouchedChmoddedReplaced_eachDamaged() throws Exception {
    Files.delete(tree.resolve("a/one"));
    Files.setLastModifiedTime(tree.resolve("a/two"), FileTime.fromMillis(0));
    Files.setPosixFilePermissions(tree.resolve("top"), PosixFilePermissions.fromString("rw-------"));
    Files.delete(tree.resolve("link"));
    Files.createSymbolicLink(tree.resolve("link"), Path.of("a/one"));
    Files.delete(tree.resolve("b/c/three"));
    Files.delete(tree.resolve("b/c"));
    Files.writeString(tree.resolve("b/c"), "a file where a directory was");
    Files.delete(tree.resolve("escape"));
    assertThat(check().damaged()).containsExactly("a/one", "a/two", "b/c", "b/c/three", "link", "top");
  }

  @Test
  void executableBitGained_damaged() throws Exception {
    Files.setPosixFilePermissions(tree.resolve("b/four"), PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(check().damaged()).containsExactly("b/four");
  }

  @Test
  void indexRebuiltFromADamagedTree_idsStillCompared() throws Exception {
    Files.writeString(tree.resolve("b/four"), "FOUR\n");
    try (TreeIndex index = TreeIndex.open(tree, state, ChunkingParams.DEFAULT)) {
      assertThat(index.update().rootTree()).isNotEqualTo(published);
    }
    assertThat(check().damaged()).containsExactly("b/four");
  }

  @Test
  void noIndex_notIndexed() throws Exception {
    Files.delete(state.resolve("index"));
    Files.delete(tree.resolve("top"));
    StatCheck.Result r = check();
    assertThat(r.indexed()).isFalse();
    assertThat(r.damaged()).isEmpty();
  }

  @Test
  void sameSizeContentWithStatPutBack_onlyContentCheckSees() throws Exception {
    Path f = tree.resolve("a/two");
    FileTime m = Files.getLastModifiedTime(f);
    Files.writeString(f, "TWO\n".repeat(100));
    Files.setLastModifiedTime(f, m);
    // Bit rot keeps ctime too: record the stat as it is now.
    Files.delete(state.resolve("index"));
    try (io.chasm.hashtree.store.PackObjectStore pack = io.chasm.hashtree.store.PackObjectStore.open(state.resolve("objects.pack"))) {
      SnapshotIndexWriter.write(tree, state, pack, published, ChunkingParams.DEFAULT, java.util.Map.of());
      assertThat(check(pack).damaged()).isEmpty();
      assertThat(ContentCheck.differences(tree, state, pack, published, ChunkingParams.DEFAULT, ReadPacer.UNLIMITED, 2))
          .containsExactly("a/two");
    }
  }

  private StatCheck.Result check() throws Exception {
    try (io.chasm.hashtree.store.PackObjectStore pack = io.chasm.hashtree.store.PackObjectStore.open(state.resolve("objects.pack"))) {
      return check(pack);
    }
  }

  private StatCheck.Result check(io.chasm.hashtree.store.PackObjectStore pack) throws Exception {
    return StatCheck.check(tree, state, pack, published, ChunkingParams.DEFAULT);
  }

  private void write(String rel, String content) throws Exception {
    Path p = tree.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }
}
