package io.chasm.wire.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.stats.Coverage;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.wire.proto.stats.StatsBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsBatchesTest {
  static final HexFormat HEX = HexFormat.of();

  static Path vectors() {
    Path p = Path.of(System.getProperty("user.dir")).resolve("../tck/vectors/stats-batch-id.json");
    return p.normalize();
  }

  @Test
  void batchId_matchesSpecVectors() throws Exception {
    JsonNode v = new ObjectMapper().readTree(vectors().toFile());
    for (JsonNode c : v.get("cases")) {
      List<Coverage> cov = new ArrayList<>();
      c.get("coverage").forEach(x -> cov.add(new Coverage(HEX.parseHex(x.get("file_identity").asText()),
          x.get("start").asLong(), x.get("end").asLong())));
      StatsDelta d = new StatsDelta();
      cov.forEach(d::addCoverage);
      List<long[]> periods = new ArrayList<>();
      c.get("periods").forEach(p -> periods.add(new long[] {p.get("granularity").asLong(), p.get("period_start").asLong()}));
      periods.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
      java.util.LinkedHashMap<String, long[]> dedup = new java.util.LinkedHashMap<>();
      periods.forEach(p -> dedup.put(p[0] + "|" + p[1], p));
      byte[] id = StatsBatches.batchId(c.get("mirror_id").asText(), d.coverage(), new ArrayList<>(dedup.values()),
          c.path("part").asInt(0), c.path("parts").asInt(1));
      assertThat(HEX.formatHex(id)).as(c.get("name").asText()).isEqualTo(c.get("batch_id").asText());
    }
  }

  /** The batch's fields, read with the generated parser as any user of the bytes would. */
  static StatsBatch decode(EncodedBatch e) {
    try {
      return StatsBatch.parseFrom(e.bytes());
    } catch (java.io.IOException x) {
      throw new AssertionError(x);
    }
  }

  static StatsDelta delta(long downloads) {
    StatsDelta d = new StatsDelta();
    d.addCoverage(new Coverage(new byte[32], 0, 100));
    StatsRow r = d.row(1732406400, StatsRow.Granularity.HOUR, "debian", "/debian/a.deb", "deb", "http");
    r.add(downloads, 10, 0);
    r.addUnique(42);
    d.row(1732406400, StatsRow.Granularity.DAY, "debian", "/debian/a.deb", "deb", "http").add(downloads, 10, 0);
    d.totals().linesTotal = 3;
    return d;
  }

  @Test
  void build_isDeterministic_andIdIgnoresCreationTime() {
    EncodedBatch ea = StatsBatches.build("m", delta(2), 1);
    StatsBatch a = decode(ea);
    StatsBatch b = decode(StatsBatches.build("m", delta(2), 999));
    assertThat(a.getBatchId()).isEqualTo(b.getBatchId());
    assertThat(a.toBuilder().clearCreatedUnix().build()).isEqualTo(b.toBuilder().clearCreatedUnix().build());
    assertThat(decode(StatsBatches.build("other", delta(2), 1)).getBatchId()).isNotEqualTo(a.getBatchId());
    assertThat(a.getRowsCount()).isEqualTo(2);
    assertThat(ea.id()).isEqualTo(a.getBatchId().toByteArray());
    assertThat(ea.rowCount()).isEqualTo(2);
    assertThat(ea.part()).isZero();
    assertThat(ea.parts()).isEqualTo(1);
    assertThat(a.getRows(0).getUniqueSketch().isEmpty()).isFalse();
    assertThat(a.getTotals().getLinesTotal()).isEqualTo(3);
  }

  @Test
  void buildAll_splitsRowsIntoParts_withDistinctIds() {
    StatsDelta d = new StatsDelta();
    d.addCoverage(new Coverage(new byte[32], 0, 100));
    for (int i = 0; i < 5; i++) {
      d.row(1732406400 + 3600L * i, StatsRow.Granularity.HOUR, "p", "/a" + i, "other", "http").add(1, 1, 0);
    }
    d.countme(0, "p", 1, "").add(3);
    d.totals().linesTotal = 5;
    List<EncodedBatch> encoded = StatsBatches.buildAll("m", d, 2, 1);
    assertThat(encoded).extracting(EncodedBatch::rowCount).containsExactly(2, 2, 1);
    assertThat(encoded).extracting(EncodedBatch::part).containsExactly(0, 1, 2);
    assertThat(encoded).extracting(EncodedBatch::parts).containsExactly(3, 3, 3);
    List<StatsBatch> parts = encoded.stream().map(StatsBatchesTest::decode).toList();
    assertThat(parts).hasSize(3);
    assertThat(parts).extracting(StatsBatch::getRowsCount).containsExactly(2, 2, 1);
    assertThat(parts).extracting(b -> b.getTotals().getLinesTotal()).containsExactly(5L, 0L, 0L);
    assertThat(parts).extracting(StatsBatch::getCountmeCount).containsExactly(1, 0, 0);
    assertThat(parts).extracting(StatsBatch::getPart).containsExactly(0, 1, 2);
    assertThat(parts.stream().map(StatsBatch::getBatchId).distinct()).hasSize(3);
    assertThat(decode(StatsBatches.buildAll("m", d, 2, 99).get(1)).getBatchId()).isEqualTo(parts.get(1).getBatchId());
    assertThat(StatsBatches.buildAll("m", d, 10, 1)).singleElement()
        .satisfies(b -> assertThat(decode(b).getBatchId()).isEqualTo(decode(StatsBatches.build("m", d, 1)).getBatchId()));
  }

  @Test
  void spool_writesOutboxFiles_andNeverOverwrites(@TempDir Path dir) throws Exception {
    StatsSpool spool = new StatsSpool(dir, "m");
    spool.accept(delta(2));
    assertThat(spool.list()).hasSize(1);
    Path f = spool.list().get(0);
    byte[] first = Files.readAllBytes(f);
    spool.accept(delta(2)); // a redone step: same id, the first copy stays
    assertThat(spool.list()).hasSize(1);
    assertThat(Files.readAllBytes(f)).isEqualTo(first);
    EncodedBatch read = StatsSpool.read(f);
    StatsBatch b = decode(read);
    assertThat(f.getFileName().toString()).isEqualTo(HEX.formatHex(b.getBatchId().toByteArray()) + ".batch");
    assertThat(read.bytes()).isEqualTo(first);
    assertThat(read.idHex() + ".batch").isEqualTo(f.getFileName().toString());
    assertThat(new DirectoryOutbox(dir).pending()).hasSize(1);
  }
}
