package io.chasm.wire.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.Coverage;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.wire.proto.stats.StatsBatch;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * The direct writer makes the same bytes as the generated builder ({@link StatsBatchEncoder#encode},
 * the reference), so batch ids and spooled files do not change with it.
 */
class BatchWriterPropertiesTest {
  private static final String[] NAMES = {"", "debian", "http", "rsync", "deb", "iso", "ünïcødé", "/a/b.iso",
      "/pool/" + "x".repeat(300)};

  @Property(tries = 300)
  void writerBytesEqualBuilderBytes(@ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int rows,
      @ForAll @IntRange(min = 1, max = 7) int maxRows) {
    Random rnd = new Random(seed);
    StatsDelta d = randomDelta(rnd, rows);
    long created = rnd.nextBoolean() ? 0 : rnd.nextLong();
    List<StatsRow> sorted = d.rows();
    int[] order = d.order();
    int parts = Math.max(1, (sorted.size() + maxRows - 1) / maxRows);
    String mirror = "mirror-" + pick(rnd) + "x";
    BatchWriter w = new BatchWriter(mirror, d, created);
    for (int k = 0; k < parts; k++) {
      List<StatsRow> slice = sorted.subList(k * maxRows, Math.min(sorted.size(), (k + 1) * maxRows));
      StatsBatch expected = StatsBatchEncoder.encode(mirror, d, slice, k, parts, created);
      BatchWriter.Part got = w.write(order, k * maxRows, Math.min(order.length, (k + 1) * maxRows), k,
          parts);
      assertThat(got.bytes()).isEqualTo(expected.toByteArray());
      assertThat(got.id()).isEqualTo(expected.getBatchId().toByteArray());
      assertThat(got.rows()).isEqualTo(expected.getRowsCount());
      assertThat(got.part()).isEqualTo(expected.getPart());
      assertThat(got.parts()).isEqualTo(Math.max(1, expected.getParts()));
    }
  }

  /**
   * Steps of one run share the artifacts' UTF-8 by id ({@link ArtifactUtf8}); the bytes stay the
   * builder's when an id comes back with another name (another run's catalog) or as another
   * String instance, and when rows carry no id.
   */
  @Property(tries = 200)
  void runWideNamesGiveTheBuildersBytes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int steps,
      @ForAll @IntRange(min = 0, max = 40) int rows) {
    Random rnd = new Random(seed);
    ArtifactUtf8 names = new ArtifactUtf8();
    String[] byId = new String[8];
    for (int step = 0; step < steps; step++) {
      for (int id = 0; id < byId.length; id++) {
        if (byId[id] == null || rnd.nextInt(4) == 0) { // a new catalog: another name, or a copy
          byId[id] = rnd.nextBoolean() ? new String(pick(rnd) + "/" + id) : "/n/" + rnd.nextInt(3) + "é";
        }
      }
      StatsDelta d = new StatsDelta();
      for (int i = 0; i < rows; i++) {
        int id = rnd.nextInt(byId.length + 1) - 1; // -1: no id
        String artifact = id < 0 ? pick(rnd) + i : byId[id];
        int r = d.rowIndex(3600L * rnd.nextInt(3), StatsRow.Granularity.values()[rnd.nextInt(4)], id,
            pick(rnd), artifact, id < 0 ? "t" + i : "deb", pick(rnd));
        d.add(r, 1 + rnd.nextInt(5), rnd.nextInt(1000), 0);
      }
      List<StatsRow> sorted = d.rows();
      int[] order = d.order();
      StatsBatch expected = StatsBatchEncoder.encode("m", d, sorted, 0, 1, 5);
      BatchWriter.Part got = new BatchWriter("m", d, 5, names).write(order, 0, order.length, 0, 1);
      assertThat(got.bytes()).isEqualTo(expected.toByteArray());
    }
  }

  private static StatsDelta randomDelta(Random rnd, int rows) {
    StatsDelta d = new StatsDelta();
    for (int i = 0, n = rnd.nextInt(3); i < n; i++) {
      byte[] id = new byte[32];
      rnd.nextBytes(id);
      d.addCoverage(new Coverage(id, rnd.nextInt(1000), 1000 + rnd.nextInt(1000)));
    }
    for (int i = 0; i < rows; i++) {
      long period = (rnd.nextInt(5) - 2) * 3600L * (rnd.nextInt(4) == 0 ? 0 : 1);
      StatsRow r = d.row(period, StatsRow.Granularity.values()[rnd.nextInt(4)], pick(rnd), pick(rnd) + i,
          pick(rnd), pick(rnd));
      long big = rnd.nextBoolean() ? rnd.nextInt(3) : rnd.nextLong(); // zero, small, or any (even negative)
      r.add(big, rnd.nextInt(3) == 0 ? 0 : Math.abs(rnd.nextLong()), rnd.nextInt(2));
      int clients = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(rnd.nextBoolean() ? 5 : 3000);
      if (clients > 0) {
        HllSketch s = new HllSketch(StatsRow.LG_K, rnd.nextBoolean() ? TgtHllType.HLL_8 : TgtHllType.HLL_4);
        for (int c = 0; c < clients; c++) {
          s.update(rnd.nextLong());
        }
        r.addUniques(s);
        if (rnd.nextBoolean()) {
          r.addUnique(rnd.nextLong());
        }
      }
    }
    if (rnd.nextBoolean()) {
      d.countme(1732406400, pick(rnd), rnd.nextInt(4), pick(rnd)).add(rnd.nextInt(100));
    }
    d.totals().linesTotal = rnd.nextInt(1000);
    d.totals().bytesTotal = rnd.nextBoolean() ? 0 : Math.abs(rnd.nextLong());
    return d;
  }

  /**
   * Parts encoded on all cores reach the sink in part order with the bytes of one writer
   * encoding them in turn; a failing sink stops the encoding and its exception comes out.
   */
  @Property(tries = 200)
  void partsOnAllCoresArriveInOrderWithTheSameBytes(@ForAll long seed,
      @ForAll @IntRange(min = 0, max = 200) int rows, @ForAll @IntRange(min = 1, max = 9) int maxRows,
      @ForAll @IntRange(min = -1, max = 40) int failAt) throws Exception {
    Random rnd = new Random(seed);
    StatsDelta d = randomDelta(rnd, rows);
    int[] order = d.order();
    int parts = Math.max(1, (order.length + maxRows - 1) / maxRows);
    BatchWriter w = new BatchWriter("mirror-p", d, 7);
    List<byte[]> expected = new java.util.ArrayList<>();
    for (int k = 0; k < parts; k++) {
      expected.add(w.write(order, k * maxRows, Math.min(order.length, (k + 1) * maxRows), k, parts).bytes());
    }
    List<byte[]> got = new java.util.ArrayList<>();
    try {
      PartEncoder.encode("mirror-p", d, order, maxRows, 7, p -> {
        if (got.size() == failAt) {
          throw new java.io.IOException("sink failed");
        }
        assertThat(p.part()).isEqualTo(got.size());
        got.add(p.bytes());
      });
      assertThat(failAt < 0 || failAt >= parts).isTrue();
    } catch (java.io.IOException e) {
      assertThat(e).hasMessage("sink failed");
      assertThat(failAt).isBetween(0, parts - 1);
      expected = expected.subList(0, failAt);
    }
    assertThat(got).containsExactlyElementsOf(expected);
  }

  private static String pick(Random rnd) {
    return NAMES[rnd.nextInt(NAMES.length)];
  }
}
