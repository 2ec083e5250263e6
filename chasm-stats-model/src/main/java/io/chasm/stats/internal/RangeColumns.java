package io.chasm.stats.internal;

import java.util.Arrays;

/**
 * The open ranges (or the full sizes) of a {@link RangeTracker} as primitive columns keyed by
 * (day, client, path id, protocol), kept in (day, artifact name, protocol, client) order.
 *
 * <p>Why columns: an object, a key record and a map node per open range were about 110 bytes
 * each, and a busy mirror has hundreds of thousands open (two days of 206s); here it is 57 in
 * the columns plus 8-16 in the table (an int slot, at most half full), before the columns' spare
 * capacity (they double as they grow). Why kept in order: the record is written
 * at every step, and sorting every open range again each time was most of {@code save} (JFR,
 * w4-A). Slots {@code [0, sorted)} are in order; later ones were added since and are sorted and
 * merged in by {@link #settle}, so a step costs a sort of what it added plus one linear merge.
 * Names are compared by their run-wide ranks ({@link NameOrder}, by catalog id, kept in a column
 * of their own so that neither the sort nor the merge reads an artifact object). Because day
 * leads the order, the ranges of closed days are always a prefix.
 */
final class RangeColumns {
  private static final int PROTOCOLS = 4;

  private int n;
  private int sorted;
  long[] day = new long[16], client = new long[16], week = new long[16], month = new long[16];
  /** Bytes of ranges, or the full size. */
  long[] amount = new long[16];
  long[] ts = new long[16];
  ArtifactCatalog.Artifact[] art = new ArtifactCatalog.Artifact[16];
  /** {@code art[s].id}. */
  int[] id = new int[16];
  byte[] proto = new byte[16];
  private final NameOrder names;
  // Open addressing, slot + 1 (0: empty), at most half full.
  private int[] table = new int[32];

  /** @param names the ranks of names, shared with the tracker's other columns */
  RangeColumns(NameOrder names) {
    this.names = names;
  }

  int size() {
    return n;
  }

  /** The slot of (day, client, path, protocol), or -1. */
  int find(long d, long c, ArtifactCatalog.Artifact a, int p) {
    int pathProto = a.pathId * PROTOCOLS + p;
    int mask = table.length - 1;
    for (int i = hash(d, c, pathProto) & mask; ; i = (i + 1) & mask) {
      int s = table[i] - 1;
      if (s < 0) {
        return -1;
      }
      if (day[s] == d && client[s] == c && art[s].pathId * PROTOCOLS + proto[s] == pathProto) {
        return s;
      }
    }
  }

  /** A new slot for a key that {@link #find} did not find; its amount and time start at 0. */
  int add(long d, long c, ArtifactCatalog.Artifact a, int p, long weekHash, long monthHash) {
    if (n == day.length) {
      grow(n * 2);
    }
    int s = n++;
    day[s] = d;
    client[s] = c;
    week[s] = weekHash;
    month[s] = monthHash;
    amount[s] = 0;
    ts[s] = 0;
    art[s] = a;
    id[s] = a.id;
    proto[s] = (byte) p;
    if (n * 2 > table.length) {
      reindex(table.length * 2);
    } else {
      insert(s);
    }
    return s;
  }

  /** Puts every slot in order (see the class comment). */
  void settle() {
    if (sorted == n) {
      return;
    }
    names.addAll(art, sorted, n);
    int[] fresh = sortedTail();
    int[] order = new int[n];
    int i = 0, j = 0, k = 0;
    while (i < sorted && j < fresh.length) {
      order[k++] = compare(i, fresh[j]) <= 0 ? i++ : fresh[j++];
    }
    while (i < sorted) {
      order[k++] = i++;
    }
    while (j < fresh.length) {
      order[k++] = fresh[j++];
    }
    permute(order);
    sorted = n;
    reindex(table.length);
  }

  /** True when a slot's day is before {@code d}, in any order. */
  boolean anyBefore(long d) {
    for (int s = 0; s < n; s++) {
      if (day[s] < d) {
        return true;
      }
    }
    return false;
  }

  /** Number of leading slots (after {@link #settle}) whose day is before {@code d}. */
  int countBefore(long d) {
    int k = 0;
    while (k < n && day[k] < d) {
      k++;
    }
    return k;
  }

  /** Drops the first {@code k} slots (after {@link #settle}). */
  void dropFirst(int k) {
    if (k == 0) {
      return;
    }
    int m = n - k;
    System.arraycopy(day, k, day, 0, m);
    System.arraycopy(client, k, client, 0, m);
    System.arraycopy(week, k, week, 0, m);
    System.arraycopy(month, k, month, 0, m);
    System.arraycopy(amount, k, amount, 0, m);
    System.arraycopy(ts, k, ts, 0, m);
    System.arraycopy(art, k, art, 0, m);
    Arrays.fill(art, m, n, null);
    System.arraycopy(id, k, id, 0, m);
    System.arraycopy(proto, k, proto, 0, m);
    n = m;
    sorted = m;
    int cap = Integer.highestOneBit(Math.max(16, m) * 2) * 2;
    if (cap < day.length / 2) {
      grow(cap); // a closed day's ranges may have been most of them: give the memory back
    }
    reindex(Math.max(32, Integer.highestOneBit(Math.max(1, m)) * 4));
  }

  // (day, name, protocol, client); the client as a signed long, as the record always had it.
  // Both slots' names are ranked (settle ranks the new ones first).
  private int compare(int a, int b) {
    if (day[a] != day[b]) {
      return Long.compare(day[a], day[b]);
    }
    if (id[a] != id[b]) {
      int c = Integer.compare(names.rank(id[a]), names.rank(id[b]));
      if (c != 0) {
        return c;
      }
    }
    if (proto[a] != proto[b]) {
      return Integer.compare(proto[a], proto[b]);
    }
    return Long.compare(client[a], client[b]);
  }

  // The slots added since the last settle, in order: (day, name rank, protocol) packed into a
  // long sorted with the slot below it; only equal keys (one day, artifact and protocol: a few
  // clients) are then ordered by client.
  private int[] sortedTail() {
    int m = n - sorted;
    long minDay = Long.MAX_VALUE, maxDay = Long.MIN_VALUE;
    for (int s = sorted; s < n; s++) {
      minDay = Math.min(minDay, day[s]);
      maxDay = Math.max(maxDay, day[s]);
    }
    int ib = 32 - Integer.numberOfLeadingZeros(Math.max(1, m - 1));
    int[] out = new int[m];
    // The packed key needs 34 bits for rank and protocol, the day's offset and ib for the slot.
    if (ib > 28 || maxDay - minDay >= 1L << (63 - 34 - ib)) {
      Integer[] boxed = new Integer[m];
      for (int i = 0; i < m; i++) {
        boxed[i] = sorted + i;
      }
      Arrays.sort(boxed, this::compare); // days far apart (a damaged log): rare, so the slow way
      for (int i = 0; i < m; i++) {
        out[i] = boxed[i];
      }
      return out;
    }
    long[] keys = new long[m];
    for (int i = 0; i < m; i++) {
      int s = sorted + i;
      long key = (day[s] - minDay) << 34 | (long) names.rank(id[s]) << 2 | proto[s];
      keys[i] = key << ib | i;
    }
    Arrays.sort(keys);
    long low = (1L << ib) - 1;
    for (int i = 0; i < m; i++) {
      out[i] = sorted + (int) (keys[i] & low);
    }
    for (int i = 0; i < m; ) {
      int j = i + 1;
      while (j < m && keys[j] >>> ib == keys[i] >>> ib) {
        j++;
      }
      for (int a = i + 1; a < j; a++) { // insertion sort by client: the groups are small
        int s = out[a];
        int b = a - 1;
        while (b >= i && client[out[b]] > client[s]) {
          out[b + 1] = out[b];
          b--;
        }
        out[b + 1] = s;
      }
      i = j;
    }
    return out;
  }

  // Slot k takes what was in slot order[k]; in place, one cycle at a time, so that a settle does
  // not hold two copies of every column (tens of MB with hundreds of thousands of ranges open).
  private void permute(int[] order) {
    java.util.BitSet done = new java.util.BitSet(order.length);
    for (int i = 0; i < order.length; i++) {
      if (done.get(i) || order[i] == i) {
        continue;
      }
      long d = day[i], c = client[i], w = week[i], m = month[i], a = amount[i], t = ts[i];
      ArtifactCatalog.Artifact r = art[i];
      int x = id[i];
      byte p = proto[i];
      int j = i;
      while (order[j] != i) {
        move(order[j], j);
        done.set(j);
        j = order[j];
      }
      day[j] = d;
      client[j] = c;
      week[j] = w;
      month[j] = m;
      amount[j] = a;
      ts[j] = t;
      art[j] = r;
      id[j] = x;
      proto[j] = p;
      done.set(j);
    }
  }

  private void move(int from, int to) {
    day[to] = day[from];
    client[to] = client[from];
    week[to] = week[from];
    month[to] = month[from];
    amount[to] = amount[from];
    ts[to] = ts[from];
    art[to] = art[from];
    id[to] = id[from];
    proto[to] = proto[from];
  }

  private void grow(int cap) {
    day = Arrays.copyOf(day, cap);
    client = Arrays.copyOf(client, cap);
    week = Arrays.copyOf(week, cap);
    month = Arrays.copyOf(month, cap);
    amount = Arrays.copyOf(amount, cap);
    ts = Arrays.copyOf(ts, cap);
    art = Arrays.copyOf(art, cap);
    id = Arrays.copyOf(id, cap);
    proto = Arrays.copyOf(proto, cap);
  }

  private void reindex(int cap) {
    table = new int[cap];
    for (int s = 0; s < n; s++) {
      insert(s);
    }
  }

  private void insert(int s) {
    int mask = table.length - 1;
    int i = hash(day[s], client[s], art[s].pathId * PROTOCOLS + proto[s]) & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = s + 1;
  }

  private static int hash(long d, long c, int pathProto) {
    long h = c * 0x9E3779B97F4A7C15L + d * 0xC2B2AE3D27D4EB4FL + pathProto * 0x165667B19E3779F9L;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ h >>> 32);
  }
}
