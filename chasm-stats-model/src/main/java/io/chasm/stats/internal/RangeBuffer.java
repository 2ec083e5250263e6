package io.chasm.stats.internal;

import io.chasm.stats.internal.collect.LongIntMap;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * One worker's ranged (206) requests of a step: (day, artifact, protocol, client) -> bytes and
 * the time of the last range; and the full size of each (day, artifact, protocol): its largest
 * 200 response that day. The {@link RangeTracker} decides which ranges add up to a download.
 */
final class RangeBuffer {
  private final LongIntMap index = new LongIntMap();
  private int count;
  private long[] day = new long[64], client = new long[64], bytes = new long[64], ts = new long[64];
  // The client's week and month hashes (0 when that window had closed).
  private long[] week = new long[64], month = new long[64];
  private int[] art = new int[64];
  private byte[] proto = new byte[64];
  private final LongIntMap fullIndex = new LongIntMap();
  private int fulls;
  private long[] fullDay = new long[64], fullSize = new long[64];
  private int[] fullArt = new int[64];
  private byte[] fullProto = new byte[64];
  // Per artifact id a: at 2a, 1 + (day << 2 | protocol) of its current full size (0 = none), at
  // 2a + 1 that size; moved into the columns above by spill.
  private long[] current = new long[512];

  /** Notes a complete (200) response of {@code n} bytes. */
  void full(long d, int a, int p, long n) {
    // Most downloads of an artifact in a step fall on one day: its (day, protocol) and largest
    // size sit at 2a and 2a + 1 of one array (one memory read per line); another day or protocol
    // moves the entry into the table first, where sizes of one key merge by maximum.
    long key = (d << 2 | p) + 1;
    int at = 2 * a;
    if (at >= current.length) {
      current = Arrays.copyOf(current, Math.max(at + 2, current.length * 2));
    }
    long[] c = current;
    if (c[at] != key) {
      if (c[at] != 0) {
        spill(at);
      }
      c[at] = key;
      c[at + 1] = n;
    } else if (n > c[at + 1]) {
      c[at + 1] = n;
    }
  }

  private void spill(int at) {
    long key = current[at] - 1;
    fullEntry(key >> 2, at / 2, (int) (key & 3), current[at + 1]);
    current[at] = 0;
  }

  private void fullEntry(long d, int a, int p, long n) {
    long key = (d << 34) ^ ((long) a << 2) ^ p;
    if (key == Long.MIN_VALUE) {
      key = -1;
    }
    int i = fullIndex.get(key);
    if (i < 0) {
      i = fulls++;
      if (i == fullDay.length) {
        int m = i * 2;
        fullDay = Arrays.copyOf(fullDay, m);
        fullSize = Arrays.copyOf(fullSize, m);
        fullArt = Arrays.copyOf(fullArt, m);
        fullProto = Arrays.copyOf(fullProto, m);
      }
      fullDay[i] = d;
      fullArt[i] = a;
      fullProto[i] = (byte) p;
      fullSize[i] = 0;
      fullIndex.put(key, i);
    }
    fullSize[i] = Math.max(fullSize[i], n);
  }

  /** Adds {@code n} bytes of a range; beyond {@link RangeTracker#MAX_ENTRIES} new keys are dropped. */
  void add(long d, int a, int p, long c, long wh, long mh, long n, long t) {
    long key = c * 0x9E3779B97F4A7C15L ^ (d << 40) ^ ((long) a << 2) ^ p;
    if (key == Long.MIN_VALUE) {
      key = 0;
    }
    int i = index.get(key);
    if (i < 0) {
      if (count >= RangeTracker.MAX_ENTRIES) {
        return;
      }
      i = count++;
      if (i == day.length) {
        int m = i * 2;
        day = Arrays.copyOf(day, m);
        client = Arrays.copyOf(client, m);
        bytes = Arrays.copyOf(bytes, m);
        ts = Arrays.copyOf(ts, m);
        week = Arrays.copyOf(week, m);
        month = Arrays.copyOf(month, m);
        art = Arrays.copyOf(art, m);
        proto = Arrays.copyOf(proto, m);
      }
      day[i] = d;
      client[i] = c;
      week[i] = wh;
      month[i] = mh;
      art[i] = a;
      proto[i] = (byte) p;
      index.put(key, i);
    }
    bytes[i] += n;
    ts[i] = Math.max(ts[i], t);
  }

  void drainInto(RangeTracker tracker, IntFunction<ArtifactCatalog.Artifact> classify) {
    for (int at = 0; at < current.length; at += 2) {
      if (current[at] != 0) {
        spill(at);
      }
    }
    for (int i = 0; i < count; i++) {
      tracker.add(classify.apply(art[i]), proto[i], day[i], client[i], week[i], month[i], bytes[i], ts[i]);
    }
    for (int i = 0; i < fulls; i++) {
      tracker.fullSize(classify.apply(fullArt[i]), fullProto[i], fullDay[i], fullSize[i]);
    }
  }

  void clear() {
    count = 0;
    Arrays.fill(bytes, 0);
    Arrays.fill(ts, 0);
    index.clear();
    fulls = 0;
    fullIndex.clear();
    Arrays.fill(current, 0);
  }
}
