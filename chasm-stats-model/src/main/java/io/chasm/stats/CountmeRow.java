package io.chasm.stats;

/**
 * DNF {@code countme} requests of one week, project, age bucket and system label. DNF sends
 * {@code countme=N} once per week per system, so the count of such requests estimates active
 * systems, as Fedora's own countme does.
 */
public final class CountmeRow {
  public final long weekStart;
  public final String project;
  public final int ageBucket;
  public final String label;
  long systems;

  public CountmeRow(long weekStart, String project, int ageBucket, String label) {
    this.weekStart = weekStart;
    this.project = project;
    this.ageBucket = ageBucket;
    this.label = label;
  }

  public long systems() {
    return systems;
  }

  public void add(long n) {
    systems += n;
  }

  String key() {
    return weekStart + "|" + project + "|" + ageBucket + "|" + label;
  }
}
