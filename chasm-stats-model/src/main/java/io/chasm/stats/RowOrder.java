package io.chasm.stats;

import io.chasm.stats.internal.collect.StringSort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical order of a delta's rows ({@link StatsRow.Key} order: period, granularity, protocol,
 * type, artifact) from its columns: each distinct period, protocol and (type, artifact) slot is
 * ranked once, and the ranks with the row index are packed into one long per row, sorted as plain
 * longs. A step has about 220,000 rows over far fewer distinct artifacts; comparing the paths at
 * every comparison, and then one object per row, were a fifth and a third of the spooling thread
 * (JFR, w3-A and w4-A).
 */
final class RowOrder {
  private RowOrder() {}

  static int[] order(DeltaRows rows) {
    return order(rows, 63);
  }

  // maxBits below 63 only in tests, to take the comparator path on small deltas.
  static int[] order(DeltaRows rows, int maxBits) {
    int n = rows.size();
    long[] periods = new long[n];
    for (int i = 0; i < n; i++) {
      periods[i] = rows.periodStart(i);
    }
    Arrays.sort(periods);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || periods[i] != periods[distinct - 1]) {
        periods[distinct++] = periods[i];
      }
    }
    int[] protocolRank = ranks(rows.protocolNames().toArray(new String[0]), String::compareTo);
    int[] slotRank = slotRanks(rows);
    int[] periodRank = new int[n];
    for (int i = 0; i < n; i++) {
      periodRank[i] = Arrays.binarySearch(periods, 0, distinct, rows.periodStart(i));
    }
    int pb = bits(distinct), gb = bits(StatsRow.Granularity.values().length);
    int rb = bits(protocolRank.length), sb = bits(slotRank.length), ib = bits(n);
    int[] out = new int[n];
    if (pb + gb + rb + sb + ib > maxBits) {
      Integer[] boxed = new Integer[n];
      for (int i = 0; i < n; i++) {
        boxed[i] = i;
      }
      Arrays.sort(boxed, Comparator.<Integer>comparingInt(i -> periodRank[i])
          .thenComparingInt(i -> rows.granularity(i).ordinal())
          .thenComparingInt(i -> protocolRank[rows.protocolId(i)])
          .thenComparingInt(i -> slotRank[rows.slot(i)]));
      for (int i = 0; i < n; i++) {
        out[i] = boxed[i];
      }
      return out;
    }
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      long k = periodRank[i];
      k = k << gb | rows.granularity(i).ordinal();
      k = k << rb | protocolRank[rows.protocolId(i)];
      k = k << sb | slotRank[rows.slot(i)];
      keys[i] = k << ib | i;
    }
    Arrays.sort(keys);
    long mask = (1L << ib) - 1;
    for (int i = 0; i < n; i++) {
      out[i] = (int) (keys[i] & mask);
    }
    return out;
  }

  // Bits that hold the values 0 .. n - 1.
  private static int bits(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  // Slots by (type, artifact): grouped by the rank of their type (a delta has a few types), then
  // each group's artifacts by StringSort (a comparator over both was 6% of a --state scan, w7-B).
  private static int[] slotRanks(DeltaRows rows) {
    int n = rows.slots();
    String[] artifact = new String[n];
    Map<String, Integer> typeIds = new HashMap<>();
    List<String> types = new ArrayList<>();
    int[] typeOf = new int[n];
    for (int s = 0; s < n; s++) {
      artifact[s] = rows.slotArtifact(s);
      String t = rows.slotType(s);
      Integer id = typeIds.get(t);
      if (id == null) {
        id = types.size();
        typeIds.put(t, id);
        types.add(t);
      }
      typeOf[s] = id;
    }
    int[] typeRank = ranks(types.toArray(new String[0]), String::compareTo);
    int[] start = new int[types.size() + 1];
    for (int s = 0; s < n; s++) {
      start[typeRank[typeOf[s]] + 1]++;
    }
    for (int g = 0; g < types.size(); g++) {
      start[g + 1] += start[g];
    }
    int[] next = Arrays.copyOf(start, types.size());
    int[] idx = new int[n];
    for (int s = 0; s < n; s++) {
      idx[next[typeRank[typeOf[s]]]++] = s;
    }
    for (int g = 0; g < types.size(); g++) {
      StringSort.sort(idx, start[g], start[g + 1], artifact);
    }
    int[] rank = new int[n];
    for (int r = 0; r < n; r++) {
      rank[idx[r]] = r;
    }
    return rank;
  }

  // rank[i] of each value in the given order; the values are distinct.
  private static <T> int[] ranks(T[] values, Comparator<? super T> order) {
    Integer[] idx = new Integer[values.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (x, y) -> order.compare(values[x], values[y]));
    int[] rank = new int[values.length];
    for (int r = 0; r < idx.length; r++) {
      rank[idx[r]] = r;
    }
    return rank;
  }
}
