package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.ObjectId;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeIndexTest {
  @TempDir Path dir;

  /** A small tree with every kind of entry; mtimes an hour old so nothing is "racy". */
  Path tree() throws Exception {
    Path t = dir.resolve("tree");
    Files.createDirectories(t.resolve("pool/main/a"));
    Files.createDirectories(t.resolve("empty"));
    Files.createDirectories(t.resolve("dists/stable"));
    Files.writeString(t.resolve("README"), "hello\n");
    Files.write(t.resolve("empty.txt"), new byte[0]);
    Files.writeString(t.resolve("dists/stable/Release"), "Origin: test\n");
    byte[] big = new byte[700_000];
    new Random(1).nextBytes(big);
    Files.write(t.resolve("pool/main/a/big.deb"), big);
    Files.writeString(t.resolve("pool/main/a/small.deb"), "x".repeat(100));
    Files.writeString(t.resolve("run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(t.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(t.resolve("dists/latest"), Path.of("stable"));
    Files.createSymbolicLink(t.resolve("dangling"), Path.of("/nonexistent/target"));
    age(t);
    return t;
  }

  static void age(Path t) throws Exception {
    FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    try (Stream<Path> s = Files.walk(t)) {
      for (Path p : s.toList()) {
        if (!Files.isSymbolicLink(p)) {
          Files.setLastModifiedTime(p, old);
        }
      }
    }
  }

  @Test
  void update_cold_buildsTreesMatchingTheFiles() throws Exception {
    Path t = tree();
    try (TreeIndex index = TreeIndex.open(t)) {
      IndexResult r = index.update();
      assertThat(r.files()).isEqualTo(6);
      assertThat(r.symlinks()).isEqualTo(2);
      assertThat(r.directories()).isEqualTo(6);
      assertThat(r.rehashedFiles()).isEqualTo(6);
      assertThat(r.bytes()).isEqualTo(6 + 13 + 700_000 + 100 + 10);
      Tree root = index.objects().tree(r.rootTree());
      assertThat(root.entries().stream().map(TreeEntry::nameString))
          .containsExactly("README", "dangling", "dists", "empty", "empty.txt", "pool", "run.sh");
      assertThat(root.entry("run.sh").executable()).isTrue();
      assertThat(root.entry("README").executable()).isFalse();
      assertThat(root.entry("dangling").kind()).isEqualTo(EntryKind.SYMLINK);
      assertThat(new String(root.entry("dangling").linkTarget(), StandardCharsets.UTF_8)).isEqualTo("/nonexistent/target");
      assertThat(index.objects().tree(root.entry("empty").id()).entries()).isEmpty();
      Tree a = index.objects().tree(index.objects().tree(index.objects().tree(root.entry("pool").id()).entry("main").id()).entry("a").id());
      List<Chunk> chunks = new Chunker().chunk(t.resolve("pool/main/a/big.deb"));
      assertThat(chunks.size()).isGreaterThan(1);
      assertThat(a.entry("big.deb").id()).isEqualTo(FileManifest.of(chunks).id());
      assertThat(index.objects().manifest(a.entry("big.deb").id()).chunks()).isEqualTo(chunks);
      assertThat(r.chunks()).isEqualTo(chunks.size() + 4); // empty file has no chunk
    }
  }

  @Test
  void update_stateDirectoryIsNotPartOfTheTree() throws Exception {
    Path t = tree();
    ObjectId withoutState;
    Path elsewhere = dir.resolve("state");
    try (TreeIndex index = TreeIndex.open(t, elsewhere, io.chasm.hashtree.chunk.ChunkingParams.DEFAULT)) {
      withoutState = index.update().rootTree();
    }
    try (TreeIndex index = TreeIndex.open(t)) {
      assertThat(index.update().rootTree()).isEqualTo(withoutState);
      assertThat(Files.exists(StateLocation.of(t).resolve("index"))).isTrue();
      assertThat(t.resolve(".chasm")).doesNotExist();
    }
  }

  @Test
  void open_legacyStateInsideTheTree_keepsUsingIt() throws Exception {
    Path t = tree();
    Files.createDirectories(t.resolve(".chasm"));
    try (TreeIndex index = TreeIndex.open(t)) {
      assertThat(index.stateDirectory()).isEqualTo(t.toAbsolutePath().normalize().resolve(".chasm"));
      index.update();
    }
    assertThat(t.resolve(".chasm/index")).exists();
    assertThat(StateLocation.of(t)).isEqualTo(StateLocation.legacyDirectory(t));
    assertThat(StateLocation.defaultFor(t)).doesNotExist();
  }

  @Test
  void update_nothingChanged_rehashesNothing() throws Exception {
    Path t = tree();
    ObjectId first;
    try (TreeIndex index = TreeIndex.open(t)) {
      first = index.update().rootTree();
      IndexResult again = index.update();
      assertThat(again.rehashedFiles()).isZero();
      assertThat(again.rootTree()).isEqualTo(first);
    }
    try (TreeIndex reopened = TreeIndex.open(t)) {
      IndexResult r = reopened.update();
      assertThat(r.rehashedFiles()).isZero();
      assertThat(r.rootTree()).isEqualTo(first);
      assertThat(r.warnings()).isEmpty();
    }
  }

  @Test
  void update_oneFileChanged_rehashesOnlyIt() throws Exception {
    Path t = tree();
    try (TreeIndex index = TreeIndex.open(t)) {
      ObjectId before = index.update().rootTree();
      try (RandomAccessFile f = new RandomAccessFile(t.resolve("pool/main/a/big.deb").toFile(), "rw")) {
        f.seek(1234);
        f.write(0x55 ^ f.readByte());
      }
      IndexResult r = index.update();
      assertThat(r.rehashedFiles()).isEqualTo(1);
      assertThat(r.rehashedBytes()).isEqualTo(700_000);
      assertThat(r.rootTree()).isNotEqualTo(before);
      // Unchanged subtrees keep their ids.
      Tree a = index.objects().tree(before);
      Tree b = index.objects().tree(r.rootTree());
      assertThat(b.entry("dists").id()).isEqualTo(a.entry("dists").id());
      assertThat(b.entry("pool").id()).isNotEqualTo(a.entry("pool").id());
    }
  }

  @Test
  void update_addedRemovedAndRenamed_matchesColdIndex() throws Exception {
    Path t = tree();
    try (TreeIndex index = TreeIndex.open(t, dir.resolve("warm-state"), io.chasm.hashtree.chunk.ChunkingParams.DEFAULT)) {
      index.update();
      Files.delete(t.resolve("README"));
      Files.writeString(t.resolve("dists/stable/InRelease"), "signed\n");
      Files.move(t.resolve("pool/main/a/small.deb"), t.resolve("pool/small.deb"));
      Files.createDirectories(t.resolve("empty/sub"));
      IndexResult warm = index.update();
      assertThat(warm.rehashedFiles()).isLessThanOrEqualTo(3);
      Path other = dir.resolve("cold-state");
      try (TreeIndex cold = TreeIndex.open(t, other, io.chasm.hashtree.chunk.ChunkingParams.DEFAULT)) {
        assertThat(cold.update().rootTree()).isEqualTo(warm.rootTree());
      }
    }
  }

  @Test
  void update_corruptIndexFile_rebuiltWithWarning() throws Exception {
    Path t = tree();
    ObjectId root;
    try (TreeIndex index = TreeIndex.open(t)) {
      root = index.update().rootTree();
    }
    Path file = StateLocation.of(t).resolve("index");
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x01;
    Files.write(file, b);
    try (TreeIndex index = TreeIndex.open(t)) {
      IndexResult r = index.update();
      assertThat(r.warnings()).anyMatch(w -> w.contains("checksum") && w.contains("rebuilding"));
      assertThat(r.rehashedFiles()).isEqualTo(6);
      assertThat(r.rootTree()).isEqualTo(root);
    }
    try (TreeIndex index = TreeIndex.open(t)) {
      IndexResult r = index.update();
      assertThat(r.warnings()).isEmpty();
      assertThat(r.rehashedFiles()).isZero();
    }
  }

  @Test
  void update_truncatedIndexFile_rebuilt() throws Exception {
    Path t = tree();
    try (TreeIndex index = TreeIndex.open(t)) {
      index.update();
    }
    Path file = StateLocation.of(t).resolve("index");
    byte[] b = Files.readAllBytes(file);
    for (int len : new int[] {0, 3, b.length / 3, b.length - 1}) {
      Files.write(file, java.util.Arrays.copyOf(b, len));
      try (TreeIndex index = TreeIndex.open(t)) {
        IndexResult r = index.update();
        assertThat(r.warnings()).as("length %d", len).anyMatch(w -> w.contains("rebuilding"));
      }
    }
  }

  @Test
  void update_fifo_skippedWithWarning() throws Exception {
    Path t = tree();
    Process p = new ProcessBuilder("mkfifo", t.resolve("pipe").toString()).start();
    assertThat(p.waitFor()).isZero();
    try (TreeIndex index = TreeIndex.open(t)) {
      IndexResult r = index.update();
      assertThat(r.warnings()).anyMatch(w -> w.contains("pipe") && w.contains("skipped"));
      assertThat(index.objects().tree(r.rootTree()).entry("pipe")).isNull();
    }
  }

  @Test
  void update_secondOpenOfSameState_refused() throws Exception {
    Path t = tree();
    try (TreeIndex index = TreeIndex.open(t)) {
      assertThatThrownBy(() -> TreeIndex.open(t)).hasMessageContaining("in use");
    }
  }

  @Test
  void locator_findsEveryChunkInTheLiveFiles() throws Exception {
    Path t = tree();
    try (TreeIndex index = TreeIndex.open(t)) {
      index.update();
      for (Chunk c : new Chunker().chunk(t.resolve("pool/main/a/big.deb"))) {
        ChunkLocation loc = index.locator().locate(c.id()).orElseThrow();
        byte[] bytes = new byte[loc.length()];
        try (RandomAccessFile f = new RandomAccessFile(loc.file().toFile(), "r")) {
          f.seek(loc.offset());
          f.readFully(bytes);
        }
        assertThat(Hash.sha256(bytes)).isEqualTo(c.id());
      }
      assertThat(index.locator().locate(Hash.sha256(new byte[] {9, 9}))).isEmpty();
    }
  }

  @Test
  void publishAndVerify_detectsEveryKindOfTampering() throws Exception {
    Path t = tree();
    Ed25519Signer key = Ed25519.generate();
    TrustPolicy trust = TrustPolicy.single(key.publicKey());
    SignedSnapshot s;
    try (TreeIndex index = TreeIndex.open(t)) {
      index.update();
      s = index.publish("test", Duration.ofDays(1), key);
      assertThat(s.snapshot().sequence()).isEqualTo(1);
      assertThat(index.snapshots().latest()).map(SignedSnapshot::id).contains(s.id());
    }
    TreeVerifier v = new TreeVerifier(trust, Clock.systemUTC());
    Path state = StateLocation.of(t);
    assertThat(v.differences(t, state, s)).isEmpty();
    TreeVerifier.verify(t, s, trust);

    java.nio.file.attribute.FileTime readmeTime = Files.getLastModifiedTime(t.resolve("README"));
    Files.writeString(t.resolve("README"), "hellO\n");
    assertThat(v.differences(t, state, s)).containsExactly("README");
    assertThatThrownBy(() -> TreeVerifier.verify(t, s, trust))
        .isInstanceOf(HashMismatchException.class)
        .hasMessageContaining("README");
    Files.writeString(t.resolve("README"), "hello\n");
    // The snapshot holds README's mtime (tree version 2): the original bytes alone are not enough.
    assertThat(v.differences(t, state, s)).containsExactly("README");
    Files.setLastModifiedTime(t.resolve("README"), readmeTime);

    Files.delete(t.resolve("dists/stable/Release"));
    Files.writeString(t.resolve("pool/extra"), "new");
    Files.delete(t.resolve("dists/latest"));
    Files.createSymbolicLink(t.resolve("dists/latest"), Path.of("unstable"));
    // Adding and removing entries also moved the mtimes of the directories holding them, which
    // the snapshot records too (tree version 2).
    assertThat(v.differences(t, state, s))
        .containsExactlyInAnyOrder("dists/latest", "dists/stable/Release", "pool/extra", "dists", "dists/stable", "pool");
  }

  @Test
  void verify_countsEveryFileAndByteItReads_forAProgressDisplay() throws Exception {
    Path t = tree();
    Ed25519Signer key = Ed25519.generate();
    SignedSnapshot s;
    try (TreeIndex index = TreeIndex.open(t)) {
      index.update();
      s = index.publish("test", Duration.ofDays(1), key);
    }
    long files = 0;
    long bytes = 0;
    try (var walk = Files.walk(t)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !p.startsWith(StateLocation.of(t))) {
          files++;
          bytes += Files.size(p);
        }
      }
    }
    IndexProgress progress = new IndexProgress();
    assertThat(new TreeVerifier(TrustPolicy.single(key.publicKey()), Clock.systemUTC()).progress(progress)
        .differences(t, StateLocation.of(t), s)).isEmpty();
    assertThat(progress.filesHashed()).isEqualTo(files);
    assertThat(progress.bytesHashed()).isEqualTo(bytes);
    assertThat(progress.walkDone()).isTrue();
  }

  @Test
  void verify_namesADirectoryWhoseOwnMetadataAloneDiffers() throws Exception {
    Path t = tree();
    Ed25519Signer key = Ed25519.generate();
    TrustPolicy trust = TrustPolicy.single(key.publicKey());
    SignedSnapshot s;
    try (TreeIndex index = TreeIndex.open(t)) {
      index.update();
      s = index.publish("demo", Duration.ofDays(1), key);
    }
    TreeVerifier v = new TreeVerifier(trust, Clock.systemUTC());
    Path state = StateLocation.of(t);
    assertThat(v.differences(t, state, s)).isEmpty();
    Files.setLastModifiedTime(t.resolve("dists/stable"), java.nio.file.attribute.FileTime.fromMillis(1_000_000L));
    assertThat(v.differences(t, state, s)).containsExactly("dists/stable");
    assertThatThrownBy(() -> TreeVerifier.verify(t, s, trust)).isInstanceOf(HashMismatchException.class);
  }

  @Test
  void publish_sequencesIncreaseAndChain() throws Exception {
    Path t = tree();
    Ed25519Signer key = Ed25519.generate();
    try (TreeIndex index = TreeIndex.open(t)) {
      index.update();
      SignedSnapshot s1 = index.publish("test", Duration.ofDays(1), key);
      Files.writeString(t.resolve("README"), "v2\n");
      index.update();
      SignedSnapshot s2 = index.publish("ignored", Duration.ofDays(1), key);
      assertThat(s2.snapshot().sequence()).isEqualTo(2);
      assertThat(s2.snapshot().previous()).contains(s1.id());
      assertThat(s2.snapshot().origin()).isEqualTo("test");
      // Earlier snapshots' trees stay available.
      assertThat(index.objects().tree(s1.snapshot().rootTree()).entry("README")).isNotNull();
    }
  }
}
