package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.ObjectId;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index records each entry's mtime and mode in version-2 trees (tck/SPEC.md §4.4, §6.2). */
class IndexMetadataTest {
  @TempDir Path dir;

  private Path tree() throws Exception {
    TreeIndexTest fixture = new TreeIndexTest();
    fixture.dir = dir;
    return fixture.tree();
  }

  private static TreeEntry entry(PackObjectStore pack, ObjectId root, String path) throws Exception {
    Tree t = pack.tree(root);
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      t = pack.tree(t.entry(parts[i]).id());
    }
    return t.entry(parts[parts.length - 1]);
  }

  @Test
  void update_recordsMtimeWithNanosecondsAndMode_everyKind() throws Exception {
    Path t = tree();
    Files.setLastModifiedTime(t.resolve("README"), FileTime.from(Instant.ofEpochSecond(1_600_000_000L, 123_456_789)));
    Files.setPosixFilePermissions(t.resolve("README"), PosixFilePermissions.fromString("rw-r-----"));
    Files.setPosixFilePermissions(t.resolve("pool"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.getFileAttributeView(t.resolve("dists/latest"), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(Instant.ofEpochSecond(1_500_000_000L, 7_000)), null, null);
    Files.createSymbolicLink(t.resolve("fresh"), Path.of("README")); // its time has nanoseconds
    try (TreeIndex index = TreeIndex.open(t)) {
      ObjectId root = index.update().rootTree();
      assertThat(index.objects().tree(root).version()).isEqualTo(Tree.VERSION);
      TreeEntry readme = entry(index.objects(), root, "README");
      assertThat(readme.hasMetadata()).isTrue();
      assertThat(readme.mtimeSeconds()).isEqualTo(1_600_000_000L);
      assertThat(readme.mtimeNanos()).isEqualTo(123_456_789);
      assertThat(readme.mode()).isEqualTo(0640);
      assertThat(entry(index.objects(), root, "run.sh").mode()).isEqualTo(0755);
      assertThat(entry(index.objects(), root, "run.sh").executable()).isTrue();
      assertThat(entry(index.objects(), root, "pool").mode()).isEqualTo(0750);
      TreeEntry link = entry(index.objects(), root, "dists/latest");
      assertThat(link.mtimeSeconds()).isEqualTo(1_500_000_000L);
      assertThat(link.mtimeNanos()).isEqualTo(7_000);
      assertThat(link.mode()).isZero();
      // Links to the microsecond: what a mirror can set with lutimes(3) (SPEC §4.4).
      long fresh = Files.getLastModifiedTime(t.resolve("fresh"), LinkOption.NOFOLLOW_LINKS).to(java.util.concurrent.TimeUnit.NANOSECONDS);
      assertThat(entry(index.objects(), root, "fresh").mtimeNanos()).isEqualTo((int) (fresh % 1_000_000_000L / 1000 * 1000));
    }
  }

  @Test
  void touchAlone_isANewTree_withoutRehashing_andANoChangeRunRehashesNothing() throws Exception {
    Path t = tree();
    try (TreeIndex index = TreeIndex.open(t)) {
      ObjectId first = index.update().rootTree();
      IndexResult same = index.update();
      assertThat(same.rehashedFiles()).isZero();
      assertThat(same.rootTree()).isEqualTo(first);

      Files.setLastModifiedTime(t.resolve("pool/main/a/big.deb"), FileTime.from(Instant.ofEpochSecond(1_000_000_000L, 5)));
      IndexResult touched = index.update();
      assertThat(touched.rootTree()).isNotEqualTo(first);
      assertThat(entry(index.objects(), touched.rootTree(), "pool/main/a/big.deb").mtimeNanos()).isEqualTo(5);
      assertThat(index.update().rehashedFiles()).isZero();
    }
  }

  @Test
  void versionOneIndexFile_isRead_filesNotRehashed_treesRebuiltAsVersion2() throws Exception {
    Path t = tree();
    ObjectId root;
    Path file;
    try (TreeIndex index = TreeIndex.open(t)) {
      root = index.update().rootTree();
      file = index.stateDirectory().resolve("index");
    }
    byte[] b = Files.readAllBytes(file);
    b[4] = 1; // same layout; version 1 means its directory ids name version-1 trees
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    ByteBuffer.wrap(b, b.length - 4, 4).putInt((int) crc.getValue());
    Files.write(file, b);
    try (TreeIndex index = TreeIndex.open(t)) {
      IndexResult r = index.update();
      assertThat(r.rehashedFiles()).isZero();
      assertThat(r.rootTree()).isEqualTo(root);
    }
    assertThat(Files.readAllBytes(file)[4]).isEqualTo((byte) 2);
  }
}
