package io.chasm.stats;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Aggregates of one (period, granularity, project, artifact, type, protocol). Unique downloaders
 * are an Apache DataSketches HLL sketch ({@link #LG_K}) over keyed client hashes.
 */
public final class StatsRow {
  /** log2 of the HLL register count: 4096 registers, about 1.6% relative standard error. */
  public static final int LG_K = 12;

  /**
   * HOUR and DAY rows carry counts and the day's uniques; WEEK and MONTH rows carry only the
   * uniques of their window, hashed with that window's own secret (SPEC §11.9).
   */
  public enum Granularity { HOUR, DAY, WEEK, MONTH }

  public final long periodStart;
  public final Granularity granularity;
  public final String project;
  public final String artifact;
  public final String type;
  public final String protocol;
  long downloads;
  long bytes;
  long botRequests;
  // One source sketch is kept as is (the common case: one worker saw the row); a Union is made
  // only when a second one arrives. Source sketches are never modified.
  private HllSketch single;
  private Union uniques;
  // A row of a delta is a view of its columns (null for a free-standing row).
  private final DeltaRows owner;
  private final int index;

  public StatsRow(long periodStart, Granularity granularity, String project, String artifact,
      String type, String protocol) {
    this.periodStart = periodStart;
    this.granularity = granularity;
    this.project = project;
    this.artifact = artifact;
    this.type = type;
    this.protocol = protocol;
    this.owner = null;
    this.index = -1;
  }

  // The view of row i of a delta's columns.
  StatsRow(DeltaRows rows, int i) {
    this.periodStart = rows.periodStart(i);
    this.granularity = rows.granularity(i);
    this.project = rows.project(i);
    this.artifact = rows.artifact(i);
    this.type = rows.type(i);
    this.protocol = rows.protocol(i);
    this.owner = rows;
    this.index = i;
  }

  public long downloads() {
    return owner != null ? owner.downloads(index) : downloads;
  }

  public long bytes() {
    return owner != null ? owner.bytes(index) : bytes;
  }

  public long botRequests() {
    return owner != null ? owner.botRequests(index) : botRequests;
  }

  public void add(long downloads, long bytes, long botRequests) {
    if (owner != null) {
      owner.add(index, downloads, bytes, botRequests);
      return;
    }
    this.downloads += downloads;
    this.bytes += bytes;
    this.botRequests += botRequests;
  }

  public void addUniques(HllSketch s) {
    if (owner != null) {
      owner.addUniques(index, s);
      return;
    }
    if (s == null || s.isEmpty()) {
      return;
    }
    if (uniques == null && single == null) {
      single = s;
      return;
    }
    union().update(s);
  }

  public void addUnique(long clientHash) {
    if (owner != null) {
      owner.addUnique(index, clientHash);
      return;
    }
    union().update(clientHash);
  }

  private Union union() {
    if (uniques == null) {
      uniques = new Union(LG_K);
      if (single != null) {
        uniques.update(single);
        single = null;
      }
    }
    return uniques;
  }

  /** The unique-downloader sketch, or null when nobody was counted. Do not modify it. */
  public HllSketch uniques() {
    if (owner != null) {
      return owner.uniques(index);
    }
    if (uniques != null) {
      return uniques.isEmpty() ? null : uniques.getResult(TgtHllType.HLL_4);
    }
    return single;
  }

  /**
   * The unique-downloader sketch as a batch carries it (a compact HLL_4 image, SPEC §11.6), or
   * null when nobody was counted; the same bytes as {@link StatsDelta#uniqueSketch} for a row of a
   * delta.
   */
  public byte[] uniqueSketch() {
    if (owner != null) {
      return owner.uniqueBytes(index);
    }
    HllSketch s = uniques();
    return s == null ? null : UniqueSketches.hll4Bytes(s);
  }

  /** Estimated unique downloaders, rounded; 0 when none. */
  public long uniqueEstimate() {
    if (owner != null) {
      return owner.uniqueEstimate(index);
    }
    if (uniques != null) {
      return Math.round(uniques.getCompositeEstimate());
    }
    return single == null ? 0 : Math.round(single.getCompositeEstimate());
  }

  /** Identity of a row within a delta; orders rows by period, granularity, protocol, type, path. */
  record Key(long period, Granularity granularity, String protocol, String type, String artifact)
      implements Comparable<Key> {
    // Written out: the generated record methods go through method handles, measurably slower in
    // the per-row hand-over (JFR), and the Strings are usually the same instances.
    @Override
    public int hashCode() {
      int h = Long.hashCode(period) * 31 + granularity.ordinal();
      h = h * 31 + protocol.hashCode();
      h = h * 31 + type.hashCode();
      return h * 31 + artifact.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return period == k.period && granularity == k.granularity && same(artifact, k.artifact)
          && same(type, k.type) && same(protocol, k.protocol);
    }

    private static boolean same(String a, String b) {
      return a == b || a.equals(b);
    }

    @Override
    public int compareTo(Key o) {
      int c = Long.compare(period, o.period);
      if (c == 0) {
        c = granularity.compareTo(o.granularity);
      }
      if (c == 0) {
        c = protocol.compareTo(o.protocol);
      }
      if (c == 0) {
        c = type.compareTo(o.type);
      }
      return c != 0 ? c : artifact.compareTo(o.artifact);
    }
  }
}
