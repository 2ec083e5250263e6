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

/**
 * The protobuf {@link StatsBatch} of (a part of) a {@link StatsDelta}. Kept out of the public
 * package so that the generated type stays an encoding detail: users see the bytes and the id.
 */
public final class StatsBatchEncoder {
  /** Value of {@code format_version}. */
  public static final int FORMAT_VERSION = 1;

  // Same names, SPEC §11.4; by ordinal, as Enum.valueOf per row showed in profiles (JFR, 3%).
  private static final Granularity[] GRANULARITY = java.util.Arrays.stream(io.chasm.stats.StatsRow.Granularity.values())
      .map(g -> Granularity.valueOf(g.name())).toArray(Granularity[]::new);

  private StatsBatchEncoder() {}

  /** Part {@code part} of {@code parts}: {@code rows} is that part's slice of the delta's rows. */
  public static StatsBatch encode(String mirrorId, StatsDelta delta,
      List<io.chasm.stats.StatsRow> rows, int part, int parts, long createdUnix) {
    if (mirrorId == null || mirrorId.isEmpty()) {
      throw new IllegalArgumentException("mirror id must not be empty");
    }
    StatsBatch.Builder b = StatsBatch.newBuilder()
        .setFormatVersion(FORMAT_VERSION)
        .setMirrorId(mirrorId);
    List<Coverage> coverage = delta.coverage();
    addCoverage(b, coverage);
    // One entry per distinct (granularity, period): a part's rows share a few periods, so the
    // set stays tiny; a String key per row was a fifth of the spooling thread's time (JFR).
    java.util.Map<Granularity, java.util.Set<Long>> seen = new java.util.EnumMap<>(Granularity.class);
    List<long[]> periods = new java.util.ArrayList<>();
    // UTF-8 once per string: a String field is measured and encoded again at each serialisation
    // (protobuf's computeStringSize and writeString were a tenth of the spooling thread, JFR).
    // The few project, type and protocol names are shared by every row.
    java.util.Map<String, ByteString> names = new java.util.HashMap<>();
    for (io.chasm.stats.StatsRow r : rows) {
      Granularity g = GRANULARITY[r.granularity.ordinal()];
      io.chasm.wire.proto.stats.StatsRow.Builder rb = io.chasm.wire.proto.stats.StatsRow.newBuilder()
          .setPeriodStart(r.periodStart)
          .setGranularity(g)
          .setProjectBytes(names.computeIfAbsent(r.project, ByteString::copyFromUtf8))
          .setArtifactBytes(ByteString.copyFromUtf8(r.artifact))
          .setTypeBytes(names.computeIfAbsent(r.type, ByteString::copyFromUtf8))
          .setProtocolBytes(names.computeIfAbsent(r.protocol, ByteString::copyFromUtf8))
          .setDownloads(r.downloads())
          .setBytes(r.bytes())
          .setBotRequests(r.botRequests());
      byte[] sketch = r.uniqueSketch();
      if (sketch != null) {
        rb.setUniqueSketch(ByteString.copyFrom(sketch));
      }
      b.addRows(rb);
      if (seen.computeIfAbsent(g, k -> new java.util.HashSet<>()).add(r.periodStart)) {
        periods.add(new long[] {g.getNumber(), r.periodStart});
      }
    }
    periods.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    addTail(b, delta, part, parts, createdUnix);
    b.setBatchId(ByteString.copyFrom(BatchIds.batchId(mirrorId, coverage, periods, part, parts)));
    return b.build();
  }

  /** The protobuf number of a granularity. */
  static int granularity(io.chasm.stats.StatsRow.Granularity g) {
    return GRANULARITY[g.ordinal()].getNumber();
  }

  static void addCoverage(StatsBatch.Builder b, List<Coverage> coverage) {
    for (Coverage c : coverage) {
      b.addCoverage(io.chasm.wire.proto.stats.Coverage.newBuilder()
          .setFileIdentity(ByteString.copyFrom(c.fileIdentity()))
          .setStartOffset(c.start())
          .setEndOffset(c.end()));
    }
  }

  // Fields 6 to 10 (countme rows and totals go with part 0 only).
  static void addTail(StatsBatch.Builder b, StatsDelta delta, int part, int parts, long createdUnix) {
    b.setCreatedUnix(createdUnix);
    if (parts > 1) {
      b.setPart(part).setParts(parts);
    }
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
  }

  /** Parses exact StatsBatch bytes, e.g. a spooled file. */
  public static StatsBatch decode(byte[] bytes) throws InvalidProtocolBufferException {
    return StatsBatch.parseFrom(bytes);
  }
}
