package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.TreeEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index a sync writes from a snapshot (no hashing) against the real index: a later update
 * rehashes exactly the files it could not vouch for, and always ends at the root of the tree as it
 * is on disk.
 */
class SnapshotIndexWriterTest {
  @TempDir Path dir;

  /**
   * The tree of {@link TreeIndexTest} plus a link out of the tree, indexed once (the snapshot);
   * then, as on a mirror, the index file is gone and the links out of the tree are not there.
   */
  record Published(Path tree, Path state, ObjectId root, Map<String, FileManifest> manifests) {}

  Published published() throws Exception {
    TreeIndexTest fixture = new TreeIndexTest();
    fixture.dir = dir;
    Path t = fixture.tree();
    Files.createSymbolicLink(t.resolve("dists/passwd"), Path.of("/etc/passwd"));
    TreeIndexTest.age(t);
    ObjectId root;
    try (TreeIndex index = TreeIndex.open(t)) {
      root = index.update().rootTree();
    }
    Path state = StateLocation.of(t);
    Files.delete(state.resolve("index"));
    // In the snapshot, but a mirror does not create links out of the tree.
    Files.delete(t.resolve("dists/passwd"));
    Files.delete(t.resolve("dangling"));
    Map<String, FileManifest> manifests = new HashMap<>();
    try (PackObjectStore pack = PackObjectStore.open(state.resolve("objects.pack"))) {
      collect(pack, root, "", manifests);
    }
    return new Published(t, state, root, manifests);
  }

  static void collect(PackObjectStore pack, ObjectId tree, String prefix, Map<String, FileManifest> out) throws Exception {
    for (TreeEntry e : pack.tree(tree).entries()) {
      String p = prefix + e.nameString();
      if (e.kind() == EntryKind.FILE) {
        out.put(p, pack.manifest(e.id()));
      } else if (e.kind() == EntryKind.DIRECTORY) {
        collect(pack, e.id(), p + "/", out);
      }
    }
  }

  SnapshotIndexWriter.Written write(Published p, Map<String, FileManifest> verified) throws Exception {
    try (PackObjectStore pack = PackObjectStore.open(p.state().resolve("objects.pack"))) {
      return SnapshotIndexWriter.write(p.tree(), p.state(), pack, p.root(), ChunkingParams.DEFAULT, verified);
    }
  }

  static IndexResult update(Path tree) throws Exception {
    try (TreeIndex index = TreeIndex.open(tree)) {
      return index.update();
    }
  }

  /** The root of the same files indexed from nothing (the state directory left out). */
  static ObjectId coldRoot(Path tree) throws Exception {
    Indexer cold = new Indexer(tree, StateLocation.of(tree), ChunkingParams.DEFAULT,
        new io.chasm.hashtree.store.InMemoryObjectStore(), new IndexProgress(), 1);
    return cold.run(new IndexTable(), null).root();
  }

  @Test
  void write_everyFileVerified_updateRehashesNothing() throws Exception {
    Published p = published();
    SnapshotIndexWriter.Written w = write(p, p.manifests());
    assertThat(w.filesToRehash()).isZero();
    assertThat(w.trustedFiles()).isEqualTo(p.manifests().size());
    assertThat(w.root()).isNotEqualTo(p.root()).isEqualTo(coldRoot(p.tree()));

    IndexResult r = update(p.tree());
    assertThat(r.rehashedFiles()).isZero();
    assertThat(r.rootTree()).isEqualTo(w.root());
  }

  @Test
  void write_nothingVerifiedNoPreviousIndex_updateRehashesEveryFile() throws Exception {
    Published p = published();
    SnapshotIndexWriter.Written w = write(p, Map.of());
    assertThat(w.trustedFiles()).isZero();
    assertThat(w.filesToRehash()).isEqualTo(p.manifests().size());

    IndexResult r = update(p.tree());
    assertThat(r.rehashedFiles()).isEqualTo(p.manifests().size());
    assertThat(r.rootTree()).isEqualTo(w.root()).isEqualTo(coldRoot(p.tree()));
  }

  @Test
  void write_previousIndexVouches_thenContentChangedWithMtimeKept_rehashedAndNewRoot() throws Exception {
    Published p = published();
    write(p, p.manifests());
    // A second publish of the same snapshot that verified nothing: the previous index vouches.
    SnapshotIndexWriter.Written again = write(p, Map.of());
    assertThat(again.filesToRehash()).isZero();

    // Same size, same mtime, new bytes: only the ctime tells, and that is enough.
    Path readme = p.tree().resolve("README");
    FileTime mtime = Files.getLastModifiedTime(readme);
    Files.writeString(readme, "HELLO\n");
    Files.setLastModifiedTime(readme, mtime);
    IndexResult r = update(p.tree());
    assertThat(r.rehashedFiles()).isEqualTo(1);
    assertThat(r.rootTree()).isNotEqualTo(again.root()).isEqualTo(coldRoot(p.tree()));
  }
}
