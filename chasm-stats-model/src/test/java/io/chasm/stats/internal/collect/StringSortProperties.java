package io.chasm.stats.internal.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** {@link StringSort} gives the order of {@link String#compareTo}, whatever the strings. */
class StringSortProperties {
  // Few letters, so strings share prefixes, are prefixes of one another and repeat; the
  // characters at both ends of UTF-16 and surrogates, where code unit order is not code point order.
  private static final char[] CHARS = {'/', 'a', 'b', 'p', '\0', 'é', '\ud83d', '\ude00', '\ue000',
      '\uffff'};

  @Property(tries = 500)
  void ordersAsCompareTo(@ForAll @IntRange(min = 0, max = 3000) int n,
      @ForAll @IntRange(min = 0, max = 40) int maxLength,
      @ForAll @IntRange(min = 1, max = 10) int letters,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    Random rnd = new Random(seed);
    String prefix = rnd.nextBoolean() ? "/debian/pool/main/p/pkg" : "";
    String[] s = new String[n];
    for (int i = 0; i < n; i++) {
      char[] c = new char[rnd.nextInt(maxLength + 1)];
      for (int k = 0; k < c.length; k++) {
        c[k] = CHARS[rnd.nextInt(letters)];
      }
      s[i] = prefix + new String(c);
    }
    assertSorts(s, rnd);
  }

  @Test
  void chainsOfPrefixesAndEqualStrings_stayCorrect() {
    // Each step of the partition splits off one string (the one that ends): the budget runs out
    // and the rest is sorted by comparison.
    Random rnd = new Random(7);
    String[] chain = new String[3000];
    for (int i = 0; i < chain.length; i++) {
      chain[i] = "a".repeat(i);
    }
    assertSorts(chain, rnd);
    String[] same = new String[5000];
    Arrays.fill(same, "/debian/pool/main/p/pkg1/pkg1_1.0_amd64.deb");
    assertSorts(same, rnd);
    String[] descending = new String[20000];
    for (int i = 0; i < descending.length; i++) {
      descending[i] = String.valueOf((char) (0xffff - i)) + "x".repeat(i % 7);
    }
    assertSorts(descending, rnd);
  }

  @Test
  void sortsOnlyTheRangeGiven() {
    String[] s = {"d", "c", "b", "a"};
    int[] idx = {0, 1, 2, 3};
    StringSort.sort(idx, 1, 3, s);
    assertThat(idx).containsExactly(0, 2, 1, 3);
    assertThatThrownBy(() -> StringSort.sort(idx, 2, 5, s))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static void assertSorts(String[] s, Random rnd) {
    int[] idx = new int[s.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    for (int i = idx.length - 1; i > 0; i--) { // any starting order
      int j = rnd.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    StringSort.sort(idx, 0, idx.length, s);
    String[] got = new String[s.length];
    for (int i = 0; i < idx.length; i++) {
      got[i] = s[idx[i]];
    }
    String[] expected = s.clone();
    Arrays.sort(expected);
    assertThat(got).containsExactly(expected);
    assertThat(Arrays.stream(idx).sorted().toArray())
        .isEqualTo(java.util.stream.IntStream.range(0, s.length).toArray());
  }
}
