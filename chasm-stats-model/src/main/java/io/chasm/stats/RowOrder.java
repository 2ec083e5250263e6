package io.chasm.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sorts a delta's rows in {@link StatsRow.Key} order (period, granularity, protocol, type,
 * artifact) by ranking each distinct string once and then comparing two longs per pair. A step has
 * about 140,000 rows over far fewer distinct artifacts; comparing the artifact paths (long common
 * prefixes) at every one of the sort's comparisons was a fifth of the spooling thread (JFR).
 */
final class RowOrder {
  private RowOrder() {}

  private static final class Sortable {
    final long period;
    final long rest;
    final StatsRow row;

    Sortable(long period, long rest, StatsRow row) {
      this.period = period;
      this.rest = rest;
      this.row = row;
    }
  }

  static List<StatsRow> sorted(Collection<StatsRow> rows) {
    StatsRow[] a = rows.toArray(new StatsRow[0]);
    Map<String, Integer> protocol = ranks(a, r -> r.protocol);
    Map<String, Integer> type = ranks(a, r -> r.type);
    List<StatsRow> out = new ArrayList<>(a.length);
    if (protocol.size() > 0xff || type.size() > 0xffff || StatsRow.Granularity.values().length > 0x7f) {
      Arrays.sort(a, (x, y) -> key(x).compareTo(key(y)));
      out.addAll(Arrays.asList(a));
      return out;
    }
    Map<String, Integer> artifact = ranks(a, r -> r.artifact);
    List<StatsRow> packed = packedSort(a, protocol, type, artifact);
    if (packed != null) {
      return packed;
    }
    Sortable[] s = new Sortable[a.length];
    for (int i = 0; i < a.length; i++) {
      StatsRow r = a[i];
      long rest = (long) r.granularity.ordinal() << 56 | (long) protocol.get(r.protocol) << 48
          | (long) type.get(r.type) << 32 | artifact.get(r.artifact);
      s[i] = new Sortable(r.periodStart, rest, r);
    }
    Arrays.sort(s, (x, y) -> x.period != y.period ? Long.compare(x.period, y.period)
        : Long.compare(x.rest, y.rest));
    for (Sortable x : s) {
      out.add(x.row);
    }
    return out;
  }

  // Row keys are distinct, so (period rank, granularity, protocol, type, artifact ranks) packed
  // above the row's index sort as plain longs: no object per row and no comparator call per
  // comparison (the object sort was a third of the spooling thread, JFR, w4-A). Null when the
  // ranks and the index do not fit in 63 bits.
  private static List<StatsRow> packedSort(StatsRow[] a, Map<String, Integer> protocol,
      Map<String, Integer> type, Map<String, Integer> artifact) {
    long[] periods = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      periods[i] = a[i].periodStart;
    }
    Arrays.sort(periods);
    int distinct = 0;
    for (int i = 0; i < periods.length; i++) {
      if (i == 0 || periods[i] != periods[distinct - 1]) {
        periods[distinct++] = periods[i];
      }
    }
    int pb = bits(distinct), gb = bits(StatsRow.Granularity.values().length);
    int rb = bits(protocol.size()), tb = bits(type.size()), ab = bits(artifact.size());
    int ib = bits(a.length);
    if (pb + gb + rb + tb + ab + ib > 63) {
      return null;
    }
    long[] keys = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      StatsRow r = a[i];
      long k = Arrays.binarySearch(periods, 0, distinct, r.periodStart);
      k = k << gb | r.granularity.ordinal();
      k = k << rb | protocol.get(r.protocol);
      k = k << tb | type.get(r.type);
      k = k << ab | artifact.get(r.artifact);
      keys[i] = k << ib | i;
    }
    Arrays.sort(keys);
    long mask = (1L << ib) - 1;
    List<StatsRow> out = new ArrayList<>(a.length);
    for (long k : keys) {
      out.add(a[(int) (k & mask)]);
    }
    return out;
  }

  // Bits that hold the values 0 .. n - 1.
  private static int bits(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  private static StatsRow.Key key(StatsRow r) {
    return new StatsRow.Key(r.periodStart, r.granularity, r.protocol, r.type, r.artifact);
  }

  // Dense ranks in String order; equal strings get one rank.
  private static Map<String, Integer> ranks(StatsRow[] rows, Function<StatsRow, String> f) {
    Map<String, Integer> m = new HashMap<>();
    for (StatsRow r : rows) {
      m.putIfAbsent(f.apply(r), 0);
    }
    String[] distinct = m.keySet().toArray(new String[0]);
    Arrays.sort(distinct);
    for (int i = 0; i < distinct.length; i++) {
      m.put(distinct[i], i);
    }
    return m;
  }
}
