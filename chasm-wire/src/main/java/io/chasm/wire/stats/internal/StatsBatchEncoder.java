package io.chasm.wire.stats.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.chasm.stats.CountmeRow;
import io.chasm.stats.Coverage;
import io.chasm.stats.RunTotals;
import io.chasm.stats.StatsDelta;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.wire.proto.stats.StatsBatch;
import java.util.List;
import java.util.TreeSet;
import org.apache.datasketches.hll.HllSketch;

/**
 * The protobuf {@link StatsBatch} of (a part of) a {@link StatsDelta}. Kept out of the public
 * package so that the generated type stays an encoding detail: users see the bytes and the id.
 */
public final class StatsBatchEncoder {
  /** Value of {@code format_version}. */
  public static final int FORMAT_VERSION = 1;

  private StatsBatchEncoder() {}

  /** Part {@code part} of {@code parts}: {@code rows} is that part's slice of the delta's rows. */
  public static StatsBatch encode(String mirrorId, StatsDelta delta,
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
      Granularity g = Granularity.valueOf(r.granularity.name()); // same names, SPEC §11.4
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
    b.setBatchId(ByteString.copyFrom(BatchIds.batchId(mirrorId, coverage, periods, part, parts)));
    return b.build();
  }

  /** Parses exact StatsBatch bytes, e.g. a spooled file. */
  public static StatsBatch decode(byte[] bytes) throws InvalidProtocolBufferException {
    return StatsBatch.parseFrom(bytes);
  }
}
