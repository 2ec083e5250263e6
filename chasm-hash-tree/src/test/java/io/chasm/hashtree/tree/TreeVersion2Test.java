package io.chasm.hashtree.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The version-2 tree encoding (tck/SPEC.md §4.1, §4.1a, §4.4); the vectors cover the bytes. */
class TreeVersion2Test {
  private static final ObjectId F = ObjectId.file(Hash.sha256(new byte[] {1}));

  @Test
  void metadataRoundTrips_andTheVersionFollowsTheEntries() throws Exception {
    TreeEntry plain = TreeEntry.file("a", 1, true, F);
    TreeEntry meta = plain.withMetadata(-5, 999_999_999, 0750);
    assertThat(Tree.of(List.of(plain)).version()).isEqualTo(1);
    Tree t = Tree.of(List.of(meta));
    assertThat(t.version()).isEqualTo(2);
    TreeEntry back = Tree.decode(t.encode()).entry("a");
    assertThat(back).isEqualTo(meta);
    assertThat(back.mtimeSeconds()).isEqualTo(-5);
    assertThat(back.mode()).isEqualTo(0750);
    assertThat(Tree.empty().version()).isEqualTo(1);
  }

  @Test
  void executableIsTheOwnersExecuteBit_andV1EntriesStandForDefaultModes() throws Exception {
    assertThat(TreeEntry.file("a", 1, true, F).withMetadata(0, 0, 0644).executable()).isFalse();
    assertThat(TreeEntry.file("a", 1, false, F).withMetadata(0, 0, 0700).executable()).isTrue();
    assertThat(TreeEntry.file("a", 1, false, F).withMetadata(0, 0, 0055).executable()).isFalse();
    assertThat(TreeEntry.file("a", 1, true, F).mode()).isEqualTo(0755);
    assertThat(TreeEntry.file("a", 1, false, F).mode()).isEqualTo(0644);
    assertThat(TreeEntry.file("a", 1, false, F).hasMetadata()).isFalse();
  }

  @Test
  void onlyTouchedEntry_changesTheId() throws Exception {
    TreeEntry a = TreeEntry.file("a", 1, false, F).withMetadata(10, 0, 0644);
    TreeEntry b = TreeEntry.file("a", 1, false, F).withMetadata(10, 1, 0644);
    assertThat(a.sameContent(b)).isTrue();
    assertThat(a.sameMetadata(b)).isFalse();
    assertThat(Tree.of(List.of(a)).id()).isNotEqualTo(Tree.of(List.of(b)).id());
  }

  @Test
  void refused_mixedEntries_setuidSetgid_badNanoseconds_modeOnASymlink() throws Exception {
    TreeEntry plain = TreeEntry.file("a", 1, false, F);
    TreeEntry meta = TreeEntry.file("b", 1, false, F).withMetadata(0, 0, 0644);
    assertThatThrownBy(() -> Tree.of(List.of(plain, meta))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> plain.withMetadata(0, 0, 04755)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> plain.withMetadata(0, 0, 02755)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> plain.withMetadata(0, 1_000_000_000, 0644)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TreeEntry.symlink("l", "x").withMetadata(0, 0, 0777))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
