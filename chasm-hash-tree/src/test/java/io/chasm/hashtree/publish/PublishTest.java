package io.chasm.hashtree.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.UnsafePathException;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.tree.SafePaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishTest {
  @TempDir Path dir;

  @Test
  void metadataPatterns_defaults_matchDebianAndRpmIndexesOnly() {
    MetadataPatterns m = MetadataPatterns.defaults();
    assertThat(m.matches("dists/bookworm/InRelease")).isTrue();
    assertThat(m.matches("debian/dists/bookworm/main/binary-amd64/Packages.xz")).isTrue();
    assertThat(m.matches("fedora/39/x86_64/os/repodata/repomd.xml")).isTrue();
    assertThat(m.matches("pool/main/a/a_1.0.deb")).isFalse();
    assertThat(m.matches("dists/bookworm/main/Contents-amd64.gz")).isFalse();
    assertThat(MetadataPatterns.none().matches("dists/x/Release")).isFalse();
  }

  @Test
  void safePaths_rejectEscapes() throws Exception {
    assertThatThrownBy(() -> SafePaths.resolve(dir, "../x")).isInstanceOf(UnsafePathException.class);
    assertThatThrownBy(() -> SafePaths.resolve(dir, "/etc/passwd")).isInstanceOf(UnsafePathException.class);
    assertThatThrownBy(() -> SafePaths.resolve(dir, "a//b")).isInstanceOf(UnsafePathException.class);
    assertThat(SafePaths.resolve(dir, "a/b")).isEqualTo(dir.resolve("a/b"));
    SafePaths.checkSymlinkTarget("a/b/link", bytes("../c"));
    SafePaths.checkSymlinkTarget("a/link", bytes("./x/../y"));
    assertThatThrownBy(() -> SafePaths.checkSymlinkTarget("a/link", bytes("../../x"))).isInstanceOf(UnsafePathException.class);
    assertThatThrownBy(() -> SafePaths.checkSymlinkTarget("link", bytes("/etc"))).isInstanceOf(UnsafePathException.class);
    assertThatThrownBy(() -> SafePaths.checkSymlinkTarget("a/link", bytes("x/../../.."))).isInstanceOf(UnsafePathException.class);
    assertThat(SafePaths.isSafeSymlinkTarget("a/b/link", bytes("../c"))).isTrue();
    assertThat(SafePaths.isSafeSymlinkTarget("a/link", bytes("../../x"))).isFalse();
    assertThat(SafePaths.isSafeSymlinkTarget("link", bytes("/etc"))).isFalse();
    assertThat(SafePaths.isSafeSymlinkTarget("link", bytes(""))).isFalse();
  }

  @Test
  void publish_contentThenMetadataThenDeletions() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.writeString(Files.createDirectories(root.resolve("old")).resolve("gone"), "x");
    StagingArea staging = StagingArea.open(dir.resolve("staging"));
    PublishPlan plan = new PublishPlan()
        .delete("old")
        .file("dists/stable/Release", staged(staging, "release"), false, false)
        .file("pool/a.deb", staged(staging, "deb"), true, false)
        .symlink("latest", bytes("pool/a.deb"), false);
    List<String> order = new ArrayList<>();
    new TreePublisher(root, staging, MetadataPatterns.defaults()).publish(plan, s -> order.add(s.path()));
    assertThat(order).containsExactly("latest", "pool/a.deb", "dists/stable/Release", "old");
    assertThat(Files.readString(root.resolve("pool/a.deb"))).isEqualTo("deb");
    assertThat(Files.isExecutable(root.resolve("pool/a.deb"))).isTrue();
    assertThat(Files.readSymbolicLink(root.resolve("latest"))).isEqualTo(Path.of("pool/a.deb"));
    assertThat(root.resolve("old")).doesNotExist();
  }

  @Test
  void publish_manyFilesOnSeveralThreads_sameTreeAndContentStillBeforeMetadataAndDeletions() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.writeString(Files.createDirectories(root.resolve("old")).resolve("gone"), "x");
    Files.writeString(Files.createDirectories(root.resolve("pool/d7")).resolve("f7"), "stale"); // replaced
    StagingArea staging = StagingArea.open(dir.resolve("staging"));
    PublishPlan plan = new PublishPlan().delete("old").file("dists/stable/Release", staged(staging, "release"), false, false);
    int n = 1500;
    for (int d = 0; d < 30; d++) {
      plan.directory("pool/d" + d, false);
    }
    for (int i = 0; i < n; i++) {
      plan.file("pool/d" + (i % 30) + "/f" + i, staged(staging, "content " + i), i % 2 == 0, i == 7);
    }
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    new TreePublisher(root, staging, MetadataPatterns.defaults()).threads(4).publish(plan, s -> order.add(s.path()));
    for (int i = 0; i < n; i++) {
      Path f = root.resolve("pool/d" + (i % 30) + "/f" + i);
      assertThat(Files.readString(f)).isEqualTo("content " + i);
      assertThat(Files.isExecutable(f)).isEqualTo(i % 2 == 0);
    }
    assertThat(order).hasSize(n + 30 + 2);
    assertThat(order.get(order.size() - 2)).isEqualTo("dists/stable/Release");
    assertThat(order.get(order.size() - 1)).isEqualTo("old");
    assertThat(order.subList(0, 30)).allMatch(p -> p.matches("pool/d\\d+"));
    assertThat(root.resolve("old")).doesNotExist();
  }

  @Test
  void publish_throughSymlinkedParent_refused() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(root.resolve("evil"), outside);
    StagingArea staging = StagingArea.open(dir.resolve("staging"));
    PublishPlan plan = new PublishPlan().file("evil/x", staged(staging, "x"), false, false);
    assertThatThrownBy(() -> new TreePublisher(root, staging, MetadataPatterns.none()).publish(plan, s -> {}))
        .isInstanceOf(UnsafePathException.class);
    try (var s = Files.list(outside)) {
      assertThat(s.toList()).isEmpty();
    }
  }

  @Test
  void stage_resume_keepsOnlyVerifiedChunks() throws Exception {
    byte[] data = new byte[600_000];
    new Random(3).nextBytes(data);
    FileManifest m = FileManifest.of(new Chunker().chunk(data));
    assertThat(m.chunkCount()).isGreaterThan(2);
    StagingArea staging = StagingArea.open(dir.resolve("staging"));
    StagedFile f = staging.stage(m);
    f.write(0, slice(data, m, 0));
    byte[] bad = slice(data, m, 1);
    bad[0] ^= 1;
    f.write(1, bad); // unverified garbage written by a caller that skipped the check
    f.close();
    StagedFile resumed = staging.stage(m);
    assertThat(resumed.has(0)).isTrue();
    assertThat(resumed.has(1)).isFalse();
    for (int i = 1; i < m.chunkCount(); i++) {
      resumed.write(i, slice(data, m, i));
    }
    assertThat(Files.readAllBytes(resumed.finish(true))).isEqualTo(data);
  }

  static byte[] slice(byte[] data, FileManifest m, int i) {
    return java.util.Arrays.copyOfRange(data, (int) m.chunk(i).offset(), (int) m.chunk(i).end());
  }

  static Path staged(StagingArea s, String content) throws Exception {
    Path p = s.temporary("t");
    Files.writeString(p, content);
    return p;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
