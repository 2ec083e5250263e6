package io.chasm.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.datasketches.hll.HllSketch;
import org.junit.jupiter.api.Test;

/** What the roller's memory of written sketches keeps, and when it lets go (StoredUnions). */
class StoredUnionsTest {
  private static final long DAY = 86_400;

  private static byte[] image(int n) {
    HllSketch s = new HllSketch(12);
    for (int i = 0; i < n; i++) {
      s.update("d" + i);
    }
    return s.toCompactByteArray();
  }

  private static StoredUnions.Key key(int kind, long start, String k) {
    return new StoredUnions.Key(RollMemory.Table.ROLL_MIRROR, 7, kind, start, k);
  }

  private static void write(StoredUnions u, StoredUnions.Key k, byte[] image) {
    u.wrote(k, Sketch.of(image), image);
  }

  @Test
  void keepsOnlyWhatACommittedRollWrote() {
    StoredUnions u = new StoredUnions(1 << 20, 0);
    u.begin();
    write(u, key(Windows.DAY, DAY, "a"), image(30));
    assertThat(u.get(key(Windows.DAY, DAY, "a"))).as("not before the commit").isNull();
    u.committed();
    assertThat(u.get(key(Windows.DAY, DAY, "a")).bytes()).isEqualTo(Sketch.of(image(30)).bytes());

    u.begin();
    write(u, key(Windows.DAY, DAY, "b"), image(3));
    u.begin(); // the transaction was retried: the first attempt's writes are not the roll's
    u.committed();
    assertThat(u.get(key(Windows.DAY, DAY, "b"))).isNull();

    u.begin();
    write(u, key(Windows.DAY, DAY, "a"), image(40));
    u.failed(); // rolled back, or a commit whose outcome is unknown: nothing is trusted
    assertThat(u.get(key(Windows.DAY, DAY, "a"))).isNull();
    assertThat(u.size()).isZero();
  }

  @Test
  void aWriteThatDoesNotFitRemovesTheOlderEntry() {
    byte[] big = image(3000); // HLL, about 2 KB
    StoredUnions u = new StoredUnions(3000, 0);
    u.begin();
    write(u, key(Windows.WEEK, 0, "a"), big);
    u.committed();
    assertThat(u.get(key(Windows.WEEK, 0, "a"))).isNotNull();
    u.begin();
    write(u, key(Windows.WEEK, 0, "b"), big); // over the budget: not kept
    u.committed();
    assertThat(u.get(key(Windows.WEEK, 0, "b"))).isNull();
    assertThat(u.get(key(Windows.WEEK, 0, "a"))).isNotNull();
    u.begin();
    write(u, key(Windows.WEEK, 0, "a"), image(5000));
    u.wrote(key(Windows.WEEK, 0, "b"), null, null);
    u.committed();
    assertThat(u.get(key(Windows.WEEK, 0, "a")).bytes()).isEqualTo(image(5000));
    u.begin();
    write(u, key(Windows.WEEK, 0, "c"), big);
    u.committed();
    assertThat(u.get(key(Windows.WEEK, 0, "c"))).as("no room").isNull();
  }

  @Test
  void keepsTheNewestWindowsOnly() {
    StoredUnions u = new StoredUnions(1 << 20, 0);
    for (int d = 0; d < RollMemory.KEPT + 2; d++) {
      u.begin();
      write(u, key(Windows.DAY, d * DAY, "a"), image(10));
      u.committed();
    }
    assertThat(u.size()).isEqualTo(RollMemory.KEPT);
    assertThat(u.get(key(Windows.DAY, 0, "a"))).isNull();
    assertThat(u.get(key(Windows.DAY, (RollMemory.KEPT + 1) * DAY, "a"))).isNotNull();
    u.begin();
    write(u, key(Windows.DAY, 0, "late"), image(10)); // older than every kept window: not kept
    u.committed();
    assertThat(u.get(key(Windows.DAY, 0, "late"))).isNull();
    assertThat(u.size()).isEqualTo(RollMemory.KEPT);
  }
}
