package io.chasm.stats.internal;

import io.chasm.stats.LogRecord;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.Window;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The ranged-download heuristic for one step. A client's 206 responses for one artifact on one
 * day add up; when their bytes reach the artifact's full size (the largest 200 response for it in
 * the step) they count as one download, attributed to the hour of the last range. Ranges split
 * across steps are not joined (they may go uncounted: the heuristic errs low). {@link #finish}
 * empties the tracker for the next step.
 */
public final class RangeTracker {
  /** Tracked (client, artifact, day) triples per step; further ranges count bytes only. */
  public static final int MAX_ENTRIES = 1 << 20;
  private static final int PROTOCOLS = 4;
  private static final LogRecord.Protocol[] PROTOCOL = LogRecord.Protocol.values();

  private static final class Entry {
    final ArtifactCatalog.Artifact art;
    final int protocol;
    final long day, client, weekClient, monthClient;
    long bytes, lastTs;

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

  // pathProto = path id * 4 + protocol ordinal (by path, as the full size)
  private record Key(long day, long client, int pathProto) {
    @Override
    public int hashCode() {
      return Long.hashCode((day * 31 + client) * 31 + pathProto);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && ((Key) o).day == day && ((Key) o).client == client
          && ((Key) o).pathProto == pathProto;
    }
  }

  private final Map<Key, Entry> entries = new HashMap<>();
  // Largest 200 response per (path id, protocol ordinal) in the step.
  private long[] fullSize = new long[1024];

  public synchronized void fullSize(ArtifactCatalog.Artifact art, int protocol, long size) {
    int i = art.pathId * PROTOCOLS + protocol;
    if (i >= fullSize.length) {
      fullSize = Arrays.copyOf(fullSize, Math.max(i + 1, fullSize.length * 2));
    }
    fullSize[i] = Math.max(fullSize[i], size);
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
   * Adds the completed ranged downloads to the delta's hour and day rows when it keeps hours
   * (else notes their hour), and to the report when there is one.
   */
  public synchronized void finish(StatsDelta delta, SummaryRows report) {
    for (Entry e : entries.values()) {
      int i = e.art.pathId * PROTOCOLS + e.protocol;
      long full = i < fullSize.length ? fullSize[i] : 0;
      if (full <= 0 || e.bytes < full) {
        continue;
      }
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
        long week = Window.WEEK.indexOfDay(e.day);
        if (e.weekClient != 0) {
          WindowSketches.addTo(delta, Window.WEEK, week, e.art, protocol).addUnique(e.weekClient);
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
    entries.clear();
    Arrays.fill(fullSize, 0);
  }
}
