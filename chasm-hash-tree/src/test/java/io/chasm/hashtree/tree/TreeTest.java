package io.chasm.hashtree.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.UnsafePathException;
import io.chasm.api.VerificationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TreeTest {
  static final ObjectId FILE_ID = ObjectId.file(Hash.sha256(new byte[] {1}));
  static final ObjectId TREE_ID = ObjectId.tree(Hash.sha256(new byte[] {2}));

  /** Safe names: 1..12 bytes, no '/', no NUL, not '.' or '..' (any other byte, even non-UTF-8). */
  static Arbitrary<byte[]> names() {
    return Arbitraries.bytes().filter(b -> b != 0 && b != '/').array(byte[].class).ofMinSize(1).ofMaxSize(12)
        .filter(n -> !Arrays.equals(n, new byte[] {'.'}) && !Arrays.equals(n, new byte[] {'.', '.'}));
  }

  static Arbitrary<TreeEntry> entries() {
    Arbitrary<ObjectId> fileIds = Arbitraries.bytes().array(byte[].class).ofSize(32).map(b -> ObjectId.file(Hash.sha256(b)));
    Arbitrary<ObjectId> treeIds = Arbitraries.bytes().array(byte[].class).ofSize(32).map(b -> ObjectId.tree(Hash.sha256(b)));
    Arbitrary<byte[]> targets = Arbitraries.bytes().filter(b -> b != 0).array(byte[].class).ofMinSize(1).ofMaxSize(20);
    return Arbitraries.oneOf(
        Combinators.combine(names(), Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.of(true, false), fileIds)
            .as((n, s, x, id) -> unchecked(() -> TreeEntry.file(n, s, x, id))),
        Combinators.combine(names(), treeIds).as((n, id) -> unchecked(() -> TreeEntry.directory(n, id))),
        Combinators.combine(names(), targets).as((n, t) -> unchecked(() -> TreeEntry.symlink(n, t))));
  }

  interface Maker {
    TreeEntry make() throws Exception;
  }

  static TreeEntry unchecked(Maker m) {
    try {
      return m.make();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Provide
  Arbitrary<List<TreeEntry>> entryLists() {
    return entries().list().ofMaxSize(30).uniqueElements(e -> new String(e.name(), StandardCharsets.ISO_8859_1));
  }

  @Property(tries = 200)
  void encode_decode_roundTrips(@ForAll("entryLists") List<TreeEntry> entries) throws Exception {
    Tree t = Tree.of(entries);
    Tree back = Tree.decode(t.encode(), t.id(), TreeLimits.DEFAULT);
    assertThat(back.entries()).isEqualTo(t.entries());
    assertThat(back.encode()).isEqualTo(t.encode());
    assertThat(back.id()).isEqualTo(t.id());
  }

  @Property(tries = 100)
  void encoding_isCanonical_whateverTheInputOrder(@ForAll("entryLists") List<TreeEntry> entries, @ForAll long seed)
      throws Exception {
    List<TreeEntry> shuffled = new ArrayList<>(entries);
    Collections.shuffle(shuffled, new Random(seed));
    assertThat(Tree.of(shuffled).encode()).isEqualTo(Tree.of(entries).encode());
    List<TreeEntry> sorted = Tree.of(entries).entries();
    for (int i = 1; i < sorted.size(); i++) {
      assertThat(Arrays.compareUnsigned(sorted.get(i - 1).name(), sorted.get(i).name())).isNegative();
    }
  }

  @Test
  void id_isSha256OfEncoding_startingWithKindByte() throws Exception {
    Tree t = Tree.of(List.of(TreeEntry.file("a", 3, false, FILE_ID)));
    assertThat(t.id().hash()).isEqualTo(Hash.sha256(t.encode()));
    assertThat(t.encode()[0]).isEqualTo((byte) 3);
    assertThat(Tree.empty().encode()).containsExactly(3, 1, 0, 0, 0, 0);
  }

  @Test
  void names_unsafe_rejected() {
    for (String bad : new String[] {"", ".", "..", "a/b", "/", "a\0b"}) {
      assertThatThrownBy(() -> TreeEntry.file(bad, 0, false, FILE_ID)).as(bad).isInstanceOf(UnsafePathException.class);
      assertThatThrownBy(() -> TreeEntry.directory(bad, TREE_ID)).as(bad).isInstanceOf(UnsafePathException.class);
      assertThatThrownBy(() -> TreeEntry.symlink(bad, "x")).as(bad).isInstanceOf(UnsafePathException.class);
    }
    assertThatThrownBy(() -> TreeEntry.symlink("l", "")).isInstanceOf(UnsafePathException.class);
    assertThatThrownBy(() -> TreeEntry.symlink("l", "a\0")).isInstanceOf(UnsafePathException.class);
  }

  @Test
  void of_duplicateNames_rejected() {
    assertThatThrownBy(() -> Tree.of(List.of(TreeEntry.file("a", 0, false, FILE_ID), TreeEntry.directory("a", TREE_ID))))
        .isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void limits_enforcedWhenBuildingAndDecoding() throws Exception {
    TreeLimits small = new TreeLimits(2, 4, 5);
    List<TreeEntry> three = List.of(TreeEntry.file("a", 0, false, FILE_ID), TreeEntry.file("b", 0, false, FILE_ID),
        TreeEntry.file("c", 0, false, FILE_ID));
    assertThatThrownBy(() -> Tree.of(three, small)).isInstanceOf(LimitExceededException.class);
    assertThatThrownBy(() -> Tree.decode(Tree.of(three).encode(), small)).isInstanceOf(LimitExceededException.class);
    byte[] longName = Tree.of(List.of(TreeEntry.file("abcde", 0, false, FILE_ID))).encode();
    assertThatThrownBy(() -> Tree.decode(longName, small)).isInstanceOf(LimitExceededException.class);
    byte[] longTarget = Tree.of(List.of(TreeEntry.symlink("l", "123456"))).encode();
    assertThatThrownBy(() -> Tree.decode(longTarget, small)).isInstanceOf(LimitExceededException.class);
    assertThatThrownBy(() -> Tree.of(List.of(TreeEntry.symlink("l", "123456")), small))
        .isInstanceOf(LimitExceededException.class);
  }

  static byte[] sampleEncoding() throws Exception {
    return Tree.of(List.of(
            TreeEntry.file("README", 1234, false, FILE_ID),
            TreeEntry.file("run.sh", 99, true, FILE_ID),
            TreeEntry.directory("pool", TREE_ID),
            TreeEntry.symlink("current", "pool")))
        .encode();
  }

  @Test
  void encoded_everyBitFlip_failsTyped() throws Exception {
    byte[] enc = sampleEncoding();
    ObjectId id = ObjectId.tree(Hash.sha256(enc));
    for (int bit = 0; bit < enc.length * 8; bit++) {
      byte[] t = enc.clone();
      t[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(catchThrowable(() -> Tree.decode(t, id, TreeLimits.DEFAULT))).as("bit %d", bit)
          .isInstanceOf(HashMismatchException.class);
      Throwable unchecked = catchThrowable(() -> Tree.decode(t));
      if (unchecked != null) {
        assertThat(unchecked).as("bit %d", bit).isInstanceOfAny(VerificationException.class, LimitExceededException.class);
      }
    }
  }

  @Test
  void encoded_everyTruncation_failsTyped() throws Exception {
    byte[] enc = sampleEncoding();
    for (int len = 0; len < enc.length; len++) {
      byte[] t = Arrays.copyOf(enc, len);
      assertThatThrownBy(() -> Tree.decode(t)).as("length %d", len).isInstanceOf(CorruptObjectException.class);
    }
    assertThatThrownBy(() -> Tree.decode(Arrays.copyOf(enc, enc.length + 1))).isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void decode_mustReject() throws Exception {
    byte[] one = Tree.of(List.of(TreeEntry.file("b", 0, false, FILE_ID))).encode();
    // name bytes at offset 8 (kind, version, count u32, name length u16).
    byte[] dot = one.clone();
    dot[8] = '.';
    assertThatThrownBy(() -> Tree.decode(dot)).isInstanceOf(UnsafePathException.class);
    byte[] slash = one.clone();
    slash[8] = '/';
    assertThatThrownBy(() -> Tree.decode(slash)).isInstanceOf(UnsafePathException.class);
    byte[] nul = one.clone();
    nul[8] = 0;
    assertThatThrownBy(() -> Tree.decode(nul)).isInstanceOf(UnsafePathException.class);
    byte[] version = one.clone();
    version[1] = 2;
    assertThatThrownBy(() -> Tree.decode(version)).isInstanceOf(CorruptObjectException.class);
    byte[] flags = one.clone();
    flags[10] = 2;
    assertThatThrownBy(() -> Tree.decode(flags)).isInstanceOf(CorruptObjectException.class);
    // Two entries swapped: not sorted.
    byte[] a = Tree.of(List.of(TreeEntry.symlink("a", "x"))).encode();
    byte[] b = Tree.of(List.of(TreeEntry.symlink("b", "x"))).encode();
    byte[] swapped = concatEntries(b, a);
    assertThatThrownBy(() -> Tree.decode(swapped)).isInstanceOf(CorruptObjectException.class);
    byte[] dup = concatEntries(a, a);
    assertThatThrownBy(() -> Tree.decode(dup)).isInstanceOf(CorruptObjectException.class);
    assertThat(Tree.decode(concatEntries(a, b)).entries()).hasSize(2);
  }

  /** A two-entry tree encoding from two one-entry encodings. */
  static byte[] concatEntries(byte[] first, byte[] second) {
    byte[] out = new byte[first.length + second.length - 6];
    System.arraycopy(first, 0, out, 0, first.length);
    System.arraycopy(second, 6, out, first.length, second.length - 6);
    out[5] = 2;
    return out;
  }
}
