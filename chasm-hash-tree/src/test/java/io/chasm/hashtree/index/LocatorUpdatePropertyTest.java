package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.publish.ManifestChunkLocator;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.TreeEntry;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@link ManifestChunkLocator#update}, the served tree's locator derived from the previous
 * snapshot's, locates every chunk a fresh {@link ManifestChunkLocator#build} does, each at a place
 * that holds it, after any edits (files with identical content included: a chunk in several files
 * must stay locatable when one of them goes).
 */
class LocatorUpdatePropertyTest {
  private static final int DIRS = 4;

  @Property(tries = 10)
  void derivedLocator_locatesWhatAFreshOneDoes(@ForAll long seed) throws Exception {
    Path base = Files.createTempDirectory("chasm-locator");
    try {
      Path tree = Files.createDirectories(base.resolve("t"));
      Random rnd = new Random(seed);
      for (int d = 0; d < DIRS; d++) {
        for (int f = 0; f < 6; f++) {
          // a third of the files share their content with others
          String content = f % 3 == 0 ? "shared " + (f % 2) : "file " + d + "/" + f;
          Files.writeString(Files.createDirectories(tree.resolve("d" + d)).resolve("f" + f), content);
        }
      }
      try (TreeIndex index = TreeIndex.open(tree, base.resolve("state"), ChunkingParams.DEFAULT)) {
        ObjectId root = index.update().rootTree();
        ManifestChunkLocator loc = ManifestChunkLocator.build(tree, index.objects(), root);
        for (int round = 0; round < 5; round++) {
          for (int e = 0; e < 1 + rnd.nextInt(5); e++) {
            try {
              TreeEdits.mutate(tree, DIRS, rnd);
            } catch (java.nio.file.FileSystemException refused) {
              // that edit does not happen
            }
          }
          ObjectId next = index.update().rootTree();
          loc = ManifestChunkLocator.update(loc, root, tree, index.objects(), next);
          root = next;
          ManifestChunkLocator fresh = ManifestChunkLocator.build(tree, index.objects(), root);
          assertThat(loc.size()).as("round %d", round).isEqualTo(fresh.size());
          Set<Hash> ids = new HashSet<>();
          chunks(index.objects(), root, ids);
          for (Hash id : ids) {
            ChunkLocation at = loc.locate(id).orElseThrow(() -> new AssertionError("not located: " + id));
            assertThat(read(at)).as("bytes at %s", at).isEqualTo(id);
          }
        }
      }
    } finally {
      TreeEdits.delete(base);
    }
  }

  private static void chunks(ObjectStore store, ObjectId tree, Set<Hash> out) throws Exception {
    for (TreeEntry e : store.tree(tree).entries()) {
      if (e.kind() == EntryKind.DIRECTORY) {
        chunks(store, e.id(), out);
      } else if (e.kind() == EntryKind.FILE && e.size() > 0) {
        for (Chunk c : store.manifest(e.id()).chunks()) {
          out.add(c.id());
        }
      }
    }
  }

  private static Hash read(ChunkLocation at) throws Exception {
    try (FileChannel ch = FileChannel.open(at.file())) {
      ByteBuffer b = ByteBuffer.allocate(at.length());
      while (b.hasRemaining() && ch.read(b, at.offset() + b.position()) >= 0) {
        // reads the chunk
      }
      return Hash.sha256(b.array());
    }
  }
}
