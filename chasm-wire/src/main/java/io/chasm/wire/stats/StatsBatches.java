package io.chasm.wire.stats;

import com.google.protobuf.ByteString;
import io.chasm.stats.CountmeRow;
import io.chasm.stats.Coverage;
import io.chasm.stats.RunTotals;
import io.chasm.stats.StatsDelta;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.wire.proto.stats.StatsBatch;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.TreeSet;
import org.apache.datasketches.hll.HllSketch;

/**
 * Builds the protobuf {@link StatsBatch} of a {@link StatsDelta} and its deterministic id (SPEC
 * §11): the same mirror and the same covered bytes always give the same id, so a resend after a
 * crash is recognised by the collector and counted once.
 */
public final class StatsBatches {
  /** Value of {@code format_version}. */
  public static final int FORMAT_VERSION = 1;
  private static final byte[] DOMAIN = "chasm-stats-batch-v1\0".getBytes(StandardCharsets.US_ASCII);

  private StatsBatches() {}

  /**
   * SPEC §11.1: SHA-256 over {@code "chasm-stats-batch-v1\0" || u32 len || mirror_id (UTF-8) ||
   * u32 n || n × (file_identity[32] || u64 start || u64 end) || u32 m || m × (u8 granularity ||
   * i64 period_start)}, coverage in canonical order (identity bytes, then start), periods sorted
   * and distinct; all integers big-endian.
   */
  public static byte[] batchId(String mirrorId, List<Coverage> coverage, List<long[]> periods) {
    try {
      ByteArrayOutputStream bo = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bo);
      out.write(DOMAIN);
      byte[] m = mirrorId.getBytes(StandardCharsets.UTF_8);
      out.writeInt(m.length);
      out.write(m);
      out.writeInt(coverage.size());
      for (Coverage c : coverage) {
        byte[] id = c.fileIdentity();
        if (id.length != 32) {
          throw new IllegalArgumentException("file identity must be 32 bytes");
        }
        out.write(id);
        out.writeLong(c.start());
        out.writeLong(c.end());
      }
      out.writeInt(periods.size());
      for (long[] p : periods) {
        out.writeByte((int) p[0]);
        out.writeLong(p[1]);
      }
      out.flush();
      return MessageDigest.getInstance("SHA-256").digest(bo.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The batch for one delta; {@code createdUnix} is informational and not part of the id. */
  public static StatsBatch build(String mirrorId, StatsDelta delta, long createdUnix) {
    if (mirrorId == null || mirrorId.isEmpty()) {
      throw new IllegalArgumentException("mirror id must not be empty");
    }
    StatsBatch.Builder b = StatsBatch.newBuilder()
        .setFormatVersion(FORMAT_VERSION)
        .setMirrorId(mirrorId)
        .setCreatedUnix(createdUnix);
    List<Coverage> coverage = delta.coverage();
    for (Coverage c : coverage) {
      b.addCoverage(io.chasm.wire.proto.stats.Coverage.newBuilder()
          .setFileIdentity(ByteString.copyFrom(c.fileIdentity()))
          .setStartOffset(c.start())
          .setEndOffset(c.end()));
    }
    TreeSet<String> seen = new TreeSet<>();
    List<long[]> periods = new java.util.ArrayList<>();
    for (io.chasm.stats.StatsRow r : delta.rows()) {
      Granularity g = r.granularity == io.chasm.stats.StatsRow.Granularity.HOUR
          ? Granularity.HOUR : Granularity.DAY;
      io.chasm.wire.proto.stats.StatsRow.Builder rb = io.chasm.wire.proto.stats.StatsRow.newBuilder()
          .setPeriodStart(r.periodStart)
          .setGranularity(g)
          .setProject(r.project)
          .setArtifact(r.artifact)
          .setType(r.type)
          .setProtocol(r.protocol)
          .setDownloads(r.downloads())
          .setBytes(r.bytes())
          .setBotRequests(r.botRequests());
      HllSketch s = r.uniques();
      if (s != null) {
        rb.setUniqueSketch(ByteString.copyFrom(s.toCompactByteArray()));
      }
      b.addRows(rb);
      if (seen.add(String.format("%d|%020d", g.getNumber(), r.periodStart + (1L << 62)))) {
        periods.add(new long[] {g.getNumber(), r.periodStart});
      }
    }
    periods.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    for (CountmeRow c : delta.countmeRows()) {
      b.addCountme(io.chasm.wire.proto.stats.CountmeRow.newBuilder()
          .setWeekStart(c.weekStart)
          .setProject(c.project)
          .setAgeBucket(c.ageBucket)
          .setLabel(c.label)
          .setSystems(c.systems()));
    }
    RunTotals t = delta.totals();
    b.setTotals(io.chasm.wire.proto.stats.RunTotals.newBuilder()
        .setLinesTotal(t.linesTotal)
        .setLinesRejected(t.linesRejected)
        .setBytesTotal(t.bytesTotal)
        .setStatus2Xx(t.status2xx)
        .setStatus3Xx(t.status3xx)
        .setStatus4Xx(t.status4xx)
        .setStatus5Xx(t.status5xx)
        .setNonRequestLines(t.nonRequestLines)
        .setBotRequests(t.botRequests)
        .setLateLines(t.lateLines));
    b.setBatchId(ByteString.copyFrom(batchId(mirrorId, coverage, periods)));
    return b.build();
  }
}
