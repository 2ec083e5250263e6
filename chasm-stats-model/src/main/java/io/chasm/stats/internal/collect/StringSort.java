package io.chasm.stats.internal.collect;

import java.util.Arrays;

/**
 * Sorts indices into an array of strings in {@link String#compareTo} order by multikey quicksort
 * (Bentley and Sedgewick): a partition step reads one character per string, so a prefix that many
 * strings share is read once per string, not once per comparison. Artifact paths share long
 * prefixes ("/debian/pool/main/p/..."), and ranking a step's artifacts with a comparator was about
 * 6% of a {@code --state} scan's CPU samples (JFR, w7-B). Not stable: equal strings end up next to
 * each other in any order. In this leaf package so that the model's row order can use it.
 */
public final class StringSort {
  // Ranges this small are finished by insertion sort (their strings share the first d chars).
  private static final int SMALL = 12;

  private StringSort() {}

  /** Sorts {@code idx[from, to)} so that {@code s[idx[from]] <= s[idx[from + 1]] <= ...}. */
  public static void sort(int[] idx, int from, int to, String[] s) {
    if (from < 0 || to > idx.length || from > to) {
      throw new IndexOutOfBoundsException("range " + from + ".." + to + " of " + idx.length);
    }
    // Splitting steps allowed on any path (a bad pivot every time would nest n deep); past it the
    // range is sorted by comparisons, so no input can overflow the stack or cost n squared.
    int budget = 2 * (32 - Integer.numberOfLeadingZeros(Math.max(1, to - from))) + 16;
    sort(idx, from, to, s, 0, budget);
  }

  // The char at d, or -1 past the end: a string sorts before every longer one it starts.
  private static int at(String x, int d) {
    return d < x.length() ? x.charAt(d) : -1;
  }

  // idx[lo, hi): strings equal in their first d chars.
  private static void sort(int[] a, int lo, int hi, String[] s, int d, int budget) {
    while (hi - lo > SMALL) {
      int m = lo + (hi - lo) / 2;
      int x = at(s[a[lo]], d), y = at(s[a[m]], d), z = at(s[a[hi - 1]], d);
      int pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
      int lt = lo, gt = hi - 1, i = lo;
      while (i <= gt) {
        int c = at(s[a[i]], d);
        if (c < pivot) {
          int t = a[lt];
          a[lt++] = a[i];
          a[i++] = t;
        } else if (c > pivot) {
          int t = a[gt];
          a[gt--] = a[i];
          a[i] = t;
        } else {
          i++;
        }
      }
      if (lt > lo || gt < hi - 1) {
        // A real split (a run of one shared char costs no budget: it is a loop, not a nesting).
        if (--budget < 0) {
          byComparison(a, lo, hi, s);
          return;
        }
        sort(a, lo, lt, s, d, budget);
        sort(a, gt + 1, hi, s, d, budget);
      }
      if (pivot < 0) {
        return; // the middle part is equal strings that end here
      }
      if (lt == lo && gt == hi - 1) {
        // Every string had the pivot char: skip the rest of their common prefix in one pass over
        // them, not one pass per char (a pass costs a cache miss or two per string).
        d = commonPrefix(a, lo, hi, s, d + 1);
        continue;
      }
      lo = lt;
      hi = gt + 1;
      d++;
    }
    for (int i = lo + 1; i < hi; i++) {
      int v = a[i];
      String sv = s[v];
      int j = i - 1;
      while (j >= lo && s[a[j]].compareTo(sv) > 0) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
  }

  // The length of the prefix that s[a[lo .. hi)] share, given that they share their first d chars.
  private static int commonPrefix(int[] a, int lo, int hi, String[] s, int d) {
    String first = s[a[lo]];
    int end = first.length();
    for (int i = lo + 1; i < hi && end > d; i++) {
      String x = s[a[i]];
      int k = d, e = Math.min(end, x.length());
      while (k < e && x.charAt(k) == first.charAt(k)) {
        k++;
      }
      end = k;
    }
    return Math.max(d, end);
  }

  private static void byComparison(int[] a, int lo, int hi, String[] s) {
    Integer[] b = new Integer[hi - lo];
    for (int i = lo; i < hi; i++) {
      b[i - lo] = a[i];
    }
    Arrays.sort(b, (x, y) -> s[x].compareTo(s[y]));
    for (int i = lo; i < hi; i++) {
      a[i] = b[i - lo];
    }
  }
}
