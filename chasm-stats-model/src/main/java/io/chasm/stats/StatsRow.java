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

  public enum Granularity { HOUR, DAY }

  public final long periodStart;
  public final Granularity granularity;
  public final String project;
  public final String artifact;
  public final String type;
  public final String protocol;
  long downloads;
  long bytes;
  long botRequests;
  private Union uniques;

  public StatsRow(long periodStart, Granularity granularity, String project, String artifact,
      String type, String protocol) {
    this.periodStart = periodStart;
    this.granularity = granularity;
    this.project = project;
    this.artifact = artifact;
    this.type = type;
    this.protocol = protocol;
  }

  public long downloads() {
    return downloads;
  }

  public long bytes() {
    return bytes;
  }

  public long botRequests() {
    return botRequests;
  }

  public void add(long downloads, long bytes, long botRequests) {
    this.downloads += downloads;
    this.bytes += bytes;
    this.botRequests += botRequests;
  }

  public void addUniques(HllSketch s) {
    if (s == null || s.isEmpty()) {
      return;
    }
    if (uniques == null) {
      uniques = new Union(LG_K);
    }
    uniques.update(s);
  }

  public void addUnique(long clientHash) {
    if (uniques == null) {
      uniques = new Union(LG_K);
    }
    uniques.update(clientHash);
  }

  /** The unique-downloader sketch (HLL_4, compact), or null when nobody was counted. */
  public HllSketch uniques() {
    return uniques == null || uniques.isEmpty() ? null : uniques.getResult(TgtHllType.HLL_4);
  }

  /** Estimated unique downloaders, rounded; 0 when none. */
  public long uniqueEstimate() {
    return uniques == null ? 0 : Math.round(uniques.getCompositeEstimate());
  }

  String key() {
    return key(periodStart, granularity, artifact, protocol, type);
  }

  static String key(long period, Granularity g, String artifact, String protocol, String type) {
    return period + "|" + g.ordinal() + "|" + protocol + "|" + type + "|" + artifact;
  }
}
