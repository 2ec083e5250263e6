package io.chasm.wire.sync;

import io.chasm.hashtree.index.StateLocation;
import io.chasm.api.ObjectId;
import io.chasm.api.trust.Signer;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Test origins: hashes a directory into its state directory ({@link StateLocation}) and signs the next snapshot. */
final class Origins {
  private Origins() {}

  static SignedSnapshot publish(Path dir, String origin, Signer signer) throws Exception {
    return publish(dir, origin, Duration.ofDays(1), signer);
  }

  static SignedSnapshot publish(Path dir, String origin, Duration validity, Signer... signers) throws Exception {
    Path state = StateLocation.of(dir);
    try (PackObjectStore store = PackObjectStore.open(state.resolve("objects.pack"))) {
      ObjectId root = hash(dir, dir, store, new Chunker());
      store.sync();
      SnapshotHistory h = SnapshotHistory.open(state.resolve("snapshots"));
      Optional<SignedSnapshot> prev = h.latest();
      Snapshot s = (prev.isPresent() ? prev.get().snapshot().next(root) : Snapshot.first(origin, root))
          .expiresIn(validity).build();
      SignedSnapshot signed = SignedSnapshot.sign(s, signers);
      h.append(signed);
      return signed;
    }
  }

  static ObjectId hash(Path root, Path dir, PackObjectStore store, Chunker chunker) throws Exception {
    List<TreeEntry> entries = new ArrayList<>();
    List<Path> children;
    try (Stream<Path> s = Files.list(dir)) {
      children = s.toList();
    }
    for (Path p : children) {
      String name = p.getFileName().toString();
      if (dir.equals(root) && name.equals(MirrorState.STATE_DIR)) {
        continue;
      }
      if (Files.isSymbolicLink(p)) {
        entries.add(TreeEntry.symlink(name, Files.readSymbolicLink(p).toString()));
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        entries.add(TreeEntry.directory(name, hash(root, p, store, chunker)));
      } else {
        FileManifest m = FileManifest.of(chunker.chunk(p));
        store.put(m);
        entries.add(TreeEntry.file(name, m.size(), Files.isExecutable(p), m.id()));
      }
    }
    return store.put(Tree.of(entries));
  }
}
