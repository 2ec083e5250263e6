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
    return batchId(mirrorId, coverage, periods, 0, 1);
  }

  /** SPEC §11.1 for part {@code part} of {@code parts}; appends both as u32 when parts > 1. */
  public static byte[] batchId(String mirrorId, List<Coverage> coverage, List<long[]> periods,
      int part, int parts) {
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
      if (parts > 1) {
        out.writeInt(part);
        out.writeInt(parts);
      }
      out.flush();
      return MessageDigest.getInstance("SHA-256").digest(bo.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows per batch when a delta is split: at most about 4.5 MB even if every sketch is full. */
  public static final int MAX_ROWS = 2_000;

  /** The batch for one delta, unsplit (see {@link #buildAll}). */
  public static StatsBatch build(String mirrorId, StatsDelta delta, long createdUnix) {
    return build(mirrorId, delta, delta.rows(), 0, 1, createdUnix);
  }

  /**
   * The batches for one delta: rows in canonical order, cut every {@code maxRows}; countme rows
   * and totals go with part 0, the coverage with every part.
   */
  public static List<StatsBatch> buildAll(String mirrorId, StatsDelta delta, int maxRows,
      long createdUnix) {
    List<StatsBatch> out = new java.util.ArrayList<>();
    try {
      forEach(mirrorId, delta, maxRows, createdUnix, out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Receives one batch of a delta; see {@link #forEach}. */
  public interface BatchConsumer {
    void accept(StatsBatch batch) throws IOException;
  }

  /**
   * The batches of {@link #buildAll}, the same bytes, handed over one at a time: only one part's
   * protobuf (its sketches serialised) is in memory at once, not the whole step's.
   */
  public static void forEach(String mirrorId, StatsDelta delta, int maxRows, long createdUnix,
      BatchConsumer sink) throws IOException {
    List<io.chasm.stats.StatsRow> rows = delta.rows();
    int parts = Math.max(1, (rows.size() + maxRows - 1) / maxRows);
    for (int k = 0; k < parts; k++) {
      List<io.chasm.stats.StatsRow> slice = rows.subList(k * maxRows, Math.min(rows.size(), (k + 1) * maxRows));
      sink.accept(build(mirrorId, delta, slice, k, parts, createdUnix));
    }
  }

  private static StatsBatch build(String mirrorId, StatsDelta delta,
      List<io.chasm.stats.StatsRow> rows, int part, int parts, long createdUnix) {
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
    if (parts > 1) {
      b.setPart(part).setParts(parts);
    }
    for (io.chasm.stats.StatsRow r : rows) {
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
        if (s.getTgtHllType() != org.apache.datasketches.hll.TgtHllType.HLL_4) {
          s = s.copyAs(org.apache.datasketches.hll.TgtHllType.HLL_4); // half the bytes of HLL_8
        }
        rb.setUniqueSketch(ByteString.copyFrom(s.toCompactByteArray()));
      }
      b.addRows(rb);
      if (seen.add(String.format("%d|%020d", g.getNumber(), r.periodStart + (1L << 62)))) {
        periods.add(new long[] {g.getNumber(), r.periodStart});
      }
    }
    periods.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    for (CountmeRow c : part == 0 ? delta.countmeRows() : List.<CountmeRow>of()) {
      b.addCountme(io.chasm.wire.proto.stats.CountmeRow.newBuilder()
          .setWeekStart(c.weekStart)
          .setProject(c.project)
          .setAgeBucket(c.ageBucket)
          .setLabel(c.label)
          .setSystems(c.systems()));
    }
    RunTotals t = part == 0 ? delta.totals() : new RunTotals();
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
    b.setBatchId(ByteString.copyFrom(batchId(mirrorId, coverage, periods, part, parts)));
    return b.build();
  }
}
