package io.chasm.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.chasm.collector.model.BatchRejectedException;
import io.chasm.wire.proto.stats.MirrorSnapshot;
import io.chasm.wire.proto.stats.StatsBatch;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * tck/vectors/stats-mirror-snapshot.json (SPEC §11.19) against protobuf-java and the collector:
 * the same bytes as the independent Python encoder, the §11.14 comparison digest leaving the
 * field out, and every refused value refused.
 */
class MirrorSnapshotVectorsTest {
  static final HexFormat HEX = HexFormat.of();

  static JsonNode vectors() throws Exception {
    return new ObjectMapper().readTree(Path.of(System.getProperty("user.dir")).resolve("../tck/vectors/stats-mirror-snapshot.json").toFile());
  }

  static StatsBatch build(JsonNode b) {
    StatsBatch.Builder sb = StatsBatch.newBuilder().setFormatVersion(b.get("format_version").asInt())
        .setBatchId(ByteString.copyFrom(HEX.parseHex(b.get("batch_id").asText()))).setMirrorId(b.get("mirror_id").asText())
        .setCreatedUnix(b.get("created_unix").asLong());
    JsonNode s = b.get("mirror_snapshot");
    if (s != null) {
      sb.setMirrorSnapshot(MirrorSnapshot.newBuilder().setRepository(s.get("repository").asText())
          .setSequence(new BigInteger(s.get("sequence").asText()).longValue()).setCreatedUnix(s.get("created_unix").asLong()));
    }
    return sb.build();
  }

  @Test
  void encodingsAndComparisonDigests_matchTheVectors() throws Exception {
    JsonNode v = vectors();
    assertThat(v.get("batches")).hasSizeGreaterThanOrEqualTo(3);
    for (JsonNode c : v.get("batches")) {
      StatsBatch b = build(c.get("batch"));
      String name = c.get("name").asText();
      assertThat(HEX.formatHex(b.toByteArray())).as(name).isEqualTo(c.get("encoded").asText());
      StatsBatch parsed = StatsBatch.parseFrom(HEX.parseHex(c.get("encoded").asText()));
      assertThat(parsed).as(name).isEqualTo(b);
      assertThat(BatchIngester.contentHash(parsed)).as(name).isEqualTo(c.get("comparison_sha256").asText());
      MirrorSnapshots.check(parsed);
    }
  }

  @Test
  void refusedSnapshots_areRefused() throws Exception {
    JsonNode v = vectors();
    for (JsonNode c : v.get("refused")) {
      StatsBatch parsed = StatsBatch.parseFrom(HEX.parseHex(c.get("encoded").asText()));
      assertThatThrownBy(() -> MirrorSnapshots.check(parsed)).as(c.get("name").asText())
          .isInstanceOf(BatchRejectedException.class).hasMessageContaining("mirror_snapshot");
    }
  }
}
