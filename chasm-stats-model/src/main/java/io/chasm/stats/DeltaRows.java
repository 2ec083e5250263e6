package io.chasm.stats;

import io.chasm.stats.internal.collect.LongIntMap;
import io.chasm.stats.internal.collect.LongList;
import io.chasm.stats.internal.hll.CouponImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * A delta's rows as columns, keyed by (period, granularity, protocol, artifact slot) in a primitive
 * open-addressing map; an artifact slot is one distinct (type, artifact) pair of the delta. A step
 * has about 220,000 rows: one {@code StatsRow}, {@code Key} and {@code HashMap} node each made the
 * hand-over a quarter of the samples and the step's live set most of the collector's work (JFR,
 * w4-A). Strings exist per slot, not per row. Not thread-safe.
 */
final class DeltaRows {
  private static final int PERIOD_BITS = 22;
  private static final StatsRow.Granularity[] GRANULARITY = StatsRow.Granularity.values();

  private final LongIntMap index = new LongIntMap();
  private final LongIntMap periodIndex = new LongIntMap();
  private int periods;
  // Artifact slots: by (type, artifact), and by the caller's dense artifact id (catalog id) + 1.
  private final Map<List<String>, Integer> slotOf = new HashMap<>();
  private int[] slotOfId = new int[0];
  // The reverse: per slot, the dense id last given for it + 1, 0 when none was.
  private int[] idOfSlot = new int[0];
  private final List<String> slotArtifact = new ArrayList<>();
  private final List<String> slotType = new ArrayList<>();
  private final List<String> protocols = new ArrayList<>();

  private int size;
  private long[] period = new long[0];
  private byte[] granularity = new byte[0];
  private byte[] protocol = new byte[0];
  private int[] slot = new int[0];
  private String[] project = new String[0];
  private long[] downloads = new long[0];
  private long[] bytes = new long[0];
  private long[] bots = new long[0];
  // One source sketch kept as is (the common case: one worker saw the row); a Union only once a
  // second one arrives. Source sketches are never modified.
  private HllSketch[] single = new HllSketch[0];
  private Union[] union = new Union[0];
  // Downloaders as packed (row, coupon) pairs (CouponImages): those added one by one, and the
  // arrays the step's workers handed over whole (taken, not copied: a copy doubled them at the
  // step end, the run's peak). Sorted and made distinct once (seal) before the rows are read;
  // couponEnd[i] is where row i's coupons end.
  private LongList coupons = new LongList();
  private final List<Taken> taken = new ArrayList<>();

  /** A worker's pairs, {@code pairs[0 .. n)}; with {@code alsoDay} an HOUR row's also count for its DAY row. */
  private record Taken(long[] pairs, int n, boolean alsoDay) {}
  private volatile int[] couponEnd;
  // Figures set without a sketch (setEstimate), -1 where none; null until the first.
  private long[] estimate;

  int size() {
    return size;
  }

  /** The row of this key, created empty when absent; {@code artifactId} is -1 or a dense id. */
  int row(long periodStart, StatsRow.Granularity g, int artifactId, String project,
      String artifact, String type, String protocolName) {
    int s = slot(artifactId, artifact, type);
    int p = periodIndex.get(periodStart);
    if (p < 0) {
      if (periodStart == Long.MIN_VALUE || periods == 1 << PERIOD_BITS) {
        throw new IllegalArgumentException("period_start out of range: " + periodStart);
      }
      p = periods++;
      periodIndex.put(periodStart, p);
    }
    int pr = protocol(protocolName);
    long key = key(p, g.ordinal(), pr, s);
    int i = index.get(key);
    if (i < 0) {
      i = add(periodStart, g, pr, s, project);
      index.put(key, i);
    }
    return i;
  }

  // A row's key in the index: (period index, granularity, protocol, artifact slot).
  private static long key(int period, int granularity, int protocol, int slot) {
    return (long) period << 41 | (long) granularity << 39 | (long) protocol << 32 | (slot & 0xffffffffL);
  }

  private int slot(int artifactId, String artifact, String type) {
    if (artifactId >= 0 && artifactId < slotOfId.length && slotOfId[artifactId] > 0) {
      return slotOfId[artifactId] - 1;
    }
    Integer s = slotOf.get(List.of(type, artifact));
    if (s == null) {
      s = slotArtifact.size();
      slotOf.put(List.of(type, artifact), s);
      slotArtifact.add(artifact);
      slotType.add(type);
      if (s == idOfSlot.length) {
        idOfSlot = Arrays.copyOf(idOfSlot, Math.max(16, s * 2));
      }
    }
    if (artifactId >= 0) {
      if (artifactId >= slotOfId.length) {
        slotOfId = Arrays.copyOf(slotOfId, Math.max(artifactId + 1, slotOfId.length * 2));
      }
      slotOfId[artifactId] = s + 1;
      idOfSlot[s] = artifactId + 1;
    }
    return s;
  }

  private int protocol(String name) {
    for (int i = 0; i < protocols.size(); i++) {
      String p = protocols.get(i);
      if (p == name || p.equals(name)) {
        return i;
      }
    }
    if (protocols.size() == 0x7f) {
      throw new IllegalArgumentException("more than 127 protocols in one delta");
    }
    protocols.add(name);
    return protocols.size() - 1;
  }

  private int add(long periodStart, StatsRow.Granularity g, int pr, int s, String proj) {
    unseal();
    int i = size++;
    if (i == period.length) {
      int n = Math.max(256, i * 2);
      period = Arrays.copyOf(period, n);
      granularity = Arrays.copyOf(granularity, n);
      protocol = Arrays.copyOf(protocol, n);
      slot = Arrays.copyOf(slot, n);
      project = Arrays.copyOf(project, n);
      downloads = Arrays.copyOf(downloads, n);
      bytes = Arrays.copyOf(bytes, n);
      bots = Arrays.copyOf(bots, n);
      single = Arrays.copyOf(single, n);
      union = Arrays.copyOf(union, n);
      if (estimate != null) {
        int was = estimate.length;
        estimate = Arrays.copyOf(estimate, n);
        Arrays.fill(estimate, was, n, -1);
      }
    }
    period[i] = periodStart;
    granularity[i] = (byte) g.ordinal();
    protocol[i] = (byte) pr;
    slot[i] = s;
    project[i] = proj;
    return i;
  }

  void add(int i, long d, long b, long botRequests) {
    downloads[i] += d;
    bytes[i] += b;
    bots[i] += botRequests;
  }

  void addUniques(int i, HllSketch s) {
    if (s == null || s.isEmpty()) {
      return;
    }
    if (union[i] == null && single[i] == null) {
      single[i] = s;
      return;
    }
    union(i).update(s);
  }

  void addUnique(int i, long clientHash) {
    addCoupon(i, CouponImages.coupon(clientHash));
  }

  void addCoupon(int i, int coupon) {
    coupons.add(CouponImages.pack(i, coupon));
    unseal();
  }

  /**
   * Takes {@code pairs[0 .. n)} (packed rows of this delta and coupons) as they are; the caller
   * must not touch the array again. With {@code alsoDay}, each pair of an HOUR row also counts for
   * the DAY row of that hour (which must exist by then), as if added to both.
   */
  void takeCoupons(long[] pairs, int n, boolean alsoDay) {
    if (n == 0) {
      return;
    }
    unseal();
    taken.add(new Taken(pairs, n, alsoDay));
  }

  // A plain read first: a volatile write per coupon would cost more than the append.
  private void unseal() {
    if (couponEnd != null) {
      couponEnd = null;
    }
  }

  // Sorts the coupons by row once they are all in; the encode threads then only read.
  private int[] sealed() {
    int[] end = couponEnd;
    if (end == null) {
      synchronized (this) {
        end = couponEnd;
        if (end == null) {
          end = new int[size];
          int parts = taken.size() + 1;
          long[][] arrays = new long[parts][];
          int[] sizes = new int[parts];
          boolean[] alsoDay = new boolean[parts];
          arrays[0] = coupons.array();
          sizes[0] = coupons.size();
          boolean anyAlsoDay = false;
          for (int k = 1; k < parts; k++) {
            Taken t = taken.get(k - 1);
            arrays[k] = t.pairs();
            sizes[k] = t.n();
            alsoDay[k] = t.alsoDay();
            anyAlsoDay |= t.alsoDay();
          }
          long[] grouped = CouponImages.groupByRow(arrays, sizes, alsoDay,
              anyAlsoDay ? dayRows() : null, size, end);
          // The grouped pairs replace the raw ones (which are dropped); later ones are appended.
          taken.clear();
          coupons = LongList.wrap(grouped, size == 0 ? 0 : end[size - 1]);
          couponEnd = end;
        }
      }
    }
    return end;
  }

  // For each HOUR row, the DAY row of its day, protocol and artifact; -1 for other rows and for
  // an HOUR row without one (groupByRow refuses such a row's pairs in an array taken with alsoDay).
  private int[] dayRows() {
    int[] day = new int[size];
    int hour = StatsRow.Granularity.HOUR.ordinal();
    for (int i = 0; i < size; i++) {
      day[i] = -1;
      if (granularity[i] == hour) {
        int p = periodIndex.get(Math.floorDiv(period[i], 86400L) * 86400L);
        day[i] = p < 0 ? -1 : index.get(key(p, StatsRow.Granularity.DAY.ordinal(), protocol[i], slot[i]));
      }
    }
    return day;
  }

  /** Row i's downloaders as a compact HLL_4 image (SPEC §11.6), or null when nobody was counted. */
  byte[] uniqueBytes(int i) {
    int[] end = sealed();
    byte[] own = CouponImages.image(coupons.array(), i == 0 ? 0 : end[i - 1], end[i]);
    HllSketch other = sketchUniques(i);
    if (other == null) {
      return own;
    }
    if (own == null) {
      return UniqueSketches.hll4Bytes(other);
    }
    Union u = new Union(StatsRow.LG_K);
    u.update(HllSketch.heapify(own));
    u.update(other);
    return u.getResult(TgtHllType.HLL_4).toCompactByteArray();
  }

  private Union union(int i) {
    Union u = union[i];
    if (u == null) {
      u = new Union(StatsRow.LG_K);
      if (single[i] != null) {
        u.update(single[i]);
        single[i] = null;
      }
      union[i] = u;
    }
    return u;
  }

  long periodStart(int i) {
    return period[i];
  }

  StatsRow.Granularity granularity(int i) {
    return GRANULARITY[granularity[i]];
  }

  String project(int i) {
    return project[i];
  }

  String artifact(int i) {
    return slotArtifact.get(slot[i]);
  }

  String type(int i) {
    return slotType.get(slot[i]);
  }

  String protocol(int i) {
    return protocols.get(protocol[i]);
  }

  int slot(int i) {
    return slot[i];
  }

  int artifactId(int i) {
    return idOfSlot[slot[i]] - 1;
  }

  /** Hands row i's coupons (none: no call) to {@code run}, read in place. */
  void coupons(int i, StatsDelta.CouponRun run) {
    int[] end = sealed();
    int from = i == 0 ? 0 : end[i - 1];
    if (end[i] > from) {
      run.accept(coupons.array(), from, end[i]);
    }
  }

  int protocolId(int i) {
    return protocol[i];
  }

  int slots() {
    return slotArtifact.size();
  }

  String slotArtifact(int s) {
    return slotArtifact.get(s);
  }

  String slotType(int s) {
    return slotType.get(s);
  }

  List<String> protocolNames() {
    return protocols;
  }

  long downloads(int i) {
    return downloads[i];
  }

  long bytes(int i) {
    return bytes[i];
  }

  long botRequests(int i) {
    return bots[i];
  }

  /** The row's sketch, or null when nobody was counted; a new sketch where coupons or a union made it. */
  HllSketch uniques(int i) {
    int[] end = sealed();
    if (end[i] > (i == 0 ? 0 : end[i - 1])) {
      return HllSketch.heapify(uniqueBytes(i));
    }
    return sketchUniques(i);
  }

  // The part given as sketches (addUniques), or null.
  private HllSketch sketchUniques(int i) {
    Union u = union[i];
    if (u != null) {
      return u.isEmpty() ? null : u.getResult(TgtHllType.HLL_4);
    }
    return single[i];
  }

  void setEstimate(int i, long e) {
    if (e < 0) {
      throw new IllegalArgumentException("estimate " + e);
    }
    if (estimate == null) {
      estimate = new long[period.length];
      Arrays.fill(estimate, -1);
    }
    estimate[i] = e;
  }

  boolean hasEstimate(int i) {
    return estimate != null && estimate[i] >= 0;
  }

  long uniqueEstimate(int i) {
    if (hasEstimate(i)) {
      return estimate[i];
    }
    HllSketch s = uniques(i);
    return s == null ? 0 : Math.round(s.getCompositeEstimate());
  }
}
