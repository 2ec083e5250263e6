package io.chasm.stats.internal;

import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import java.util.HashMap;
import java.util.Map;

/**
 * The ranged-download heuristic for one step. A client's 206 responses for one artifact on one
 * day add up; when their bytes reach the artifact's full size (the largest 200 response for it in
 * the step) they count as one download, attributed to the hour of the last range. Ranges split
 * across steps are not joined (they may go uncounted: the heuristic errs low).
 */
public final class RangeTracker {
  /** Tracked (client, artifact, day) triples per step; further ranges count bytes only. */
  public static final int MAX_ENTRIES = 1 << 20;

  private static final class Entry {
    final String project, artifact, type, protocol;
    final long day, client;
    long bytes, lastTs;

    Entry(String project, String artifact, String type, String protocol, long day, long client) {
      this.project = project;
      this.artifact = artifact;
      this.type = type;
      this.protocol = protocol;
      this.day = day;
      this.client = client;
    }
  }

  // Keys hold references to the artifact and protocol Strings the aggregators already have. The
  // record methods are written out: the generated ones are slower, and this runs per row.
  private record Key(long day, long client, String protocol, String artifact) {
    @Override
    public int hashCode() {
      return (Long.hashCode(day * 31 + client) * 31 + protocol.hashCode()) * 31
          + artifact.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && ((Key) o).day == day && ((Key) o).client == client
          && same(((Key) o).artifact, artifact) && same(((Key) o).protocol, protocol);
    }
  }

  private record Art(String protocol, String artifact) {
    @Override
    public int hashCode() {
      return protocol.hashCode() * 31 + artifact.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Art && same(((Art) o).artifact, artifact)
          && same(((Art) o).protocol, protocol);
    }
  }

  private static boolean same(String a, String b) {
    return a == b || a.equals(b);
  }

  private final Map<Key, Entry> entries = new HashMap<>();
  private final Map<Art, long[]> fullSize = new HashMap<>();

  public synchronized void fullSize(String artifact, String protocol, long size) {
    long[] v = fullSize.computeIfAbsent(new Art(protocol, artifact), k -> new long[1]);
    v[0] = Math.max(v[0], size);
  }

  public synchronized void add(String project, String artifact, String type, String protocol,
      long day, long client, long bytes, long ts) {
    Key k = new Key(day, client, protocol, artifact);
    Entry e = entries.get(k);
    if (e == null) {
      if (entries.size() >= MAX_ENTRIES) {
        return;
      }
      e = new Entry(project, artifact, type, protocol, day, client);
      entries.put(k, e);
    }
    e.bytes += bytes;
    e.lastTs = Math.max(e.lastTs, ts);
  }

  /** Adds the completed ranged downloads to the delta's hour and day rows. */
  public synchronized void finish(StatsDelta delta) {
    for (Entry e : entries.values()) {
      long[] full = fullSize.get(new Art(e.protocol, e.artifact));
      if (full == null || full[0] <= 0 || e.bytes < full[0]) {
        continue;
      }
      long hour = Math.floorDiv(e.lastTs, 3600) * 3600;
      if (delta.keepsHours()) {
        StatsRow h = delta.row(hour, StatsRow.Granularity.HOUR, e.project, e.artifact, e.type,
            e.protocol);
        h.add(1, 0, 0);
        h.addUnique(e.client);
      } else {
        delta.noteHour(hour);
      }
      StatsRow d = delta.row(e.day * 86400, StatsRow.Granularity.DAY, e.project, e.artifact,
          e.type, e.protocol);
      d.add(1, 0, 0);
      d.addUnique(e.client);
    }
    entries.clear();
    fullSize.clear();
  }
}
