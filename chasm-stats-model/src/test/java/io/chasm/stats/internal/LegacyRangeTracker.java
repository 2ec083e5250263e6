package io.chasm.stats.internal;

import io.chasm.stats.LogRecord;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.Window;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The open-range tracker as it was before its ranges became columns (w5-R), kept as the oracle of
 * {@code RangeTrackerStepProperties}: the same operations must give the same records and rows.
 *
 * <p>Its original comment:
 * The ranged-download heuristic. A client's 206 responses for one artifact on one day add up;
 * when, at the close of that day, their bytes reach the artifact's full size (its largest 200
 * response that day) they count as one download, attributed to the hour of the last range.
 * Deciding only when the day closes, on what the day holds, makes the count independent of how
 * the work was cut into steps: open entries and full sizes outlive a step ({@link #save}, kept in
 * the state file with the checkpoints) until their day closes.
 */
final class LegacyRangeTracker {
  /** Tracked (client, artifact, day) triples; further ranges count bytes only. */
  public static final int MAX_ENTRIES = 1 << 20;
  private static final int PROTOCOLS = 4;
  private static final int CARRY_VERSION = 1;
  private static final LogRecord.Protocol[] PROTOCOL = LogRecord.Protocol.values();

  private static final class Entry {
    final ArtifactCatalog.Artifact art;
    final int protocol;
    final long day, client, weekClient, monthClient;
    long bytes, lastTs;
    // Only valid during a sort (see sort).
    long sortKey;

    Entry(ArtifactCatalog.Artifact art, int protocol, long day, long client, long weekClient,
        long monthClient) {
      this.art = art;
      this.protocol = protocol;
      this.day = day;
      this.client = client;
      this.weekClient = weekClient;
      this.monthClient = monthClient;
    }
  }

  private static final class Full {
    final ArtifactCatalog.Artifact art;
    final int protocol;
    final long day;
    long size;

    Full(ArtifactCatalog.Artifact art, int protocol, long day) {
      this.art = art;
      this.protocol = protocol;
      this.day = day;
    }
  }

  // pathProto = path id * 4 + protocol ordinal (by path, as the full size)
  private record Key(long day, long client, int pathProto) {}

  private record FullKey(long day, int pathProto) {}

  // Decided and saved entries are in (day, artifact name, protocol, client) order, so that a redone
  // step builds its sketches in the same order and so the same bytes (catalog ids differ from run
  // to run; names do not), and the same state is the same bytes. Names are ranked once per sort
  // (NameRanks) and (day, rank, protocol) packed into each entry's sort key: comparing paths, or
  // even following each entry to its artifact's rank, at every comparison was most of the
  // spooling thread (JFR).
  private static void sort(List<Entry> es, NameRanks ranks) {
    long minDay = Long.MAX_VALUE;
    for (Entry e : es) {
      minDay = Math.min(minDay, e.day);
    }
    for (Entry e : es) {
      e.sortKey = (e.day - minDay) << 34 | (long) ranks.rank(e.art) << 2 | e.protocol;
    }
    byKey(es, e -> e.sortKey, (a, b) -> a.sortKey != b.sortKey ? Long.compare(a.sortKey, b.sortKey)
        : Long.compare(a.client, b.client));
  }

  // Full sizes are distinct by (day, name, protocol).
  private static void sortFulls(List<Full> fs, NameRanks ranks) {
    long minDay = Long.MAX_VALUE;
    for (Full f : fs) {
      minDay = Math.min(minDay, f.day);
    }
    long min = minDay;
    byKey(fs, f -> (f.day - min) << 34 | (long) ranks.rank(f.art) << 2 | f.protocol,
        (a, b) -> a.day != b.day ? Long.compare(a.day, b.day)
            : ranks.rank(a.art) != ranks.rank(b.art) ? Integer.compare(ranks.rank(a.art), ranks.rank(b.art))
            : Integer.compare(a.protocol, b.protocol));
  }

  /**
   * Sorts {@code items} in {@code order}, which must order first by {@code key} (a non-negative
   * long). The key with the item's index below it sorts as plain longs (the object sort with a
   * comparator was most of the open-range record's time, JFR, w4-A); only items with equal keys
   * (one day, artifact and protocol: a few clients) then go through {@code order}.
   */
  private static <T> void byKey(List<T> items, java.util.function.ToLongFunction<T> key,
      Comparator<T> order) {
    int n = items.size();
    long[] keys = new long[n];
    long maxKey = 0;
    for (int i = 0; i < n; i++) {
      keys[i] = key.applyAsLong(items.get(i));
      maxKey = Math.max(maxKey, keys[i]);
    }
    int ib = 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1));
    if (n < 2 || 64 - Long.numberOfLeadingZeros(maxKey) + ib > 63) {
      items.sort(order);
      return;
    }
    for (int i = 0; i < n; i++) {
      keys[i] = keys[i] << ib | i;
    }
    Arrays.sort(keys);
    @SuppressWarnings("unchecked")
    T[] byIndex = (T[]) items.toArray();
    @SuppressWarnings("unchecked")
    T[] out = (T[]) new Object[n];
    for (int i = 0; i < n; i++) {
      out[i] = byIndex[(int) (keys[i] & ((1L << ib) - 1))];
    }
    for (int i = 0; i < n; ) {
      int j = i + 1;
      while (j < n && keys[j] >>> ib == keys[i] >>> ib) {
        j++;
      }
      if (j - i > 1) {
        Arrays.sort(out, i, j, order);
      }
      i = j;
    }
    items.clear();
    items.addAll(Arrays.asList(out));
  }

  private final Map<Key, Entry> entries = new HashMap<>();
  private final Map<FullKey, Full> fullSizes = new HashMap<>();

  /** Notes the largest complete (200) response of an artifact on a day. */
  public synchronized void fullSize(ArtifactCatalog.Artifact art, int protocol, long day, long size) {
    Full f = fullSizes.computeIfAbsent(new FullKey(day, art.pathId * PROTOCOLS + protocol),
        k -> new Full(art, protocol, day));
    f.size = Math.max(f.size, size);
  }

  public synchronized void add(ArtifactCatalog.Artifact art, int protocol, long day, long client,
      long weekClient, long monthClient, long bytes, long ts) {
    Key k = new Key(day, client, art.pathId * PROTOCOLS + protocol);
    Entry e = entries.get(k);
    if (e == null) {
      if (entries.size() >= MAX_ENTRIES) {
        return;
      }
      e = new Entry(art, protocol, day, client, weekClient, monthClient);
      entries.put(k, e);
    }
    e.bytes += bytes;
    e.lastTs = Math.max(e.lastTs, ts);
  }

  /**
   * Decides the entries of days before {@code closedBefore} (Long.MAX_VALUE: all, at the end of a
   * scan that keeps no state): those that add up to the day's full size go to the delta's hour,
   * day, week and month rows when it keeps hours (else their hour is noted), and to the report
   * when there is one. Entries and full sizes of later days stay.
   */
  public synchronized void finish(StatsDelta delta, SummaryRows report, long closedBefore) {
    List<Entry> decided = new ArrayList<>();
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.day < closedBefore) {
        decided.add(e);
        it.remove();
      }
    }
    sort(decided, NameRanks.of(decided, e -> e.art));
    for (Entry e : decided) {
      Full f = fullSizes.get(new FullKey(e.day, e.art.pathId * PROTOCOLS + e.protocol));
      if (f == null || f.size <= 0 || e.bytes < f.size) {
        continue;
      }
      count(e, delta, report);
    }
    fullSizes.values().removeIf(f -> f.day < closedBefore);
  }

  private static void count(Entry e, StatsDelta delta, SummaryRows report) {
    String protocol = PROTOCOL[e.protocol].label();
    long hour = Math.floorDiv(e.lastTs, 3600) * 3600;
    if (delta.keepsHours()) {
      StatsRow h = delta.row(hour, StatsRow.Granularity.HOUR, e.art.project, e.art.path,
          e.art.type, protocol);
      h.add(1, 0, 0);
      h.addUnique(e.client);
    } else {
      delta.noteHour(hour);
    }
    if (delta.keepsHours() || report == null) {
      StatsRow d = delta.row(e.day * 86400, StatsRow.Granularity.DAY, e.art.project,
          e.art.path, e.art.type, protocol);
      d.add(1, 0, 0);
      d.addUnique(e.client);
    }
    if (delta.keepsHours()) {
      if (e.weekClient != 0) {
        WindowSketches.addTo(delta, Window.WEEK, Window.WEEK.indexOfDay(e.day), e.art, protocol)
            .addUnique(e.weekClient);
      }
      if (e.monthClient != 0) {
        WindowSketches.addTo(delta, Window.MONTH, Window.MONTH.indexOfDay(e.day), e.art, protocol)
            .addUnique(e.monthClient);
      }
    }
    if (report != null) {
      report.add(e.art, e.protocol, 1, 0, 0);
      report.addClient(e.art, e.protocol, e.day, e.client, e.weekClient, e.monthClient);
    }
  }

  /**
   * The open entries and full sizes, for the state file: keyed client hashes (never addresses)
   * of days whose secrets the state holds anyway, and artifact names. Sorted, so the same state
   * is the same bytes.
   */
  public synchronized byte[] save() {
    List<Entry> es = new ArrayList<>(entries.values());
    List<Full> fs = new ArrayList<>(fullSizes.values());
    List<ArtifactCatalog.Artifact> arts = new ArrayList<>(es.size() + fs.size());
    es.forEach(e -> arts.add(e.art));
    fs.forEach(f -> arts.add(f.art));
    NameRanks ranks = NameRanks.of(arts, a -> a);
    sort(es, ranks);
    sortFulls(fs, ranks);
    // The layout of DataOutputStream (big-endian, names as writeUTF), sized exactly up front: the
    // record of a day's open ranges is tens of MB and is written at every step.
    long size = 12;
    for (Entry e : es) {
      size += RangeTracker.writeUtf(e.art.name).length + 1 + 48;
    }
    for (Full f : fs) {
      size += RangeTracker.writeUtf(f.art.name).length + 1 + 16;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("open-range record over 2 GB");
    }
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate((int) size);
    out.putInt(CARRY_VERSION);
    out.putInt(es.size());
    for (Entry e : es) {
      out.put(RangeTracker.writeUtf(e.art.name));
      out.put((byte) e.protocol);
      out.putLong(e.day).putLong(e.client).putLong(e.weekClient).putLong(e.monthClient);
      out.putLong(e.bytes).putLong(e.lastTs);
    }
    out.putInt(fs.size());
    for (Full f : fs) {
      out.put(RangeTracker.writeUtf(f.art.name));
      out.put((byte) f.protocol);
      out.putLong(f.day).putLong(f.size);
    }
    return out.array();
  }

  /** Restores what {@link #save} wrote (nothing for an empty array). */
  public synchronized void load(byte[] carry, ArtifactCatalog catalog) throws IOException {
    if (carry.length == 0) {
      return;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(carry))) {
      if (in.readInt() != CARRY_VERSION) {
        throw new IOException("unknown open-range record in the stats state file");
      }
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        ArtifactCatalog.Artifact a = catalog.classify(in.readUTF());
        int p = protocol(in.readUnsignedByte());
        long day = in.readLong();
        Entry e = new Entry(a, p, day, in.readLong(), in.readLong(), in.readLong());
        e.bytes = in.readLong();
        e.lastTs = in.readLong();
        entries.put(new Key(day, e.client, a.pathId * PROTOCOLS + p), e);
      }
      int m = in.readInt();
      for (int i = 0; i < m; i++) {
        ArtifactCatalog.Artifact a = catalog.classify(in.readUTF());
        int p = protocol(in.readUnsignedByte());
        long day = in.readLong();
        fullSize(a, p, day, in.readLong());
      }
    }
  }

  private static int protocol(int p) throws IOException {
    if (p >= PROTOCOLS) {
      throw new IOException("damaged open-range record in the stats state file");
    }
    return p;
  }
}
