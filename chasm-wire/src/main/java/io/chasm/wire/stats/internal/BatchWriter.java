package io.chasm.wire.stats.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.chasm.stats.Coverage;
import io.chasm.stats.StatsDelta;
import io.chasm.wire.proto.stats.StatsBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the parts of one delta as the exact bytes {@link StatsBatchEncoder#encode} serialises to,
 * without a protobuf builder per row. A message is its fields in number order, so a batch is the
 * bytes of its fields 1-4 (header), then each row (field 5), then fields 6-10 (tail); the rows
 * are written here with proto3's rules (a field at its default is left out). A step has about
 * 220,000 rows: their builders, copies and per-row UTF-8 checks were a third of the spooling
 * thread (JFR, w4-A). One writer per delta: it keeps the UTF-8 of each artifact slot, protocol and
 * project for the step. Not thread-safe.
 */
public final class BatchWriter {
  /** One part: its id, exact bytes and shape. */
  public record Part(byte[] id, byte[] bytes, int rows, int part, int parts) {}

  private final String mirrorId;
  private final StatsDelta delta;
  private final long createdUnix;
  private final List<Coverage> coverage;
  private final Map<String, byte[]> utf8 = new HashMap<>();
  // UTF-8 by artifact slot (artifact, type) and protocol id: array reads instead of four map
  // lookups per row (BatchWriter.utf8 was 7% of the samples, JFR, w5-A).
  private final byte[][] artifactUtf8;
  private final byte[][] typeUtf8;
  private final byte[][] protocolUtf8 = new byte[128][];
  private String lastProject;
  private byte[] lastProjectUtf8;
  private final ArtifactUtf8 names;

  public BatchWriter(String mirrorId, StatsDelta delta, long createdUnix) {
    this(mirrorId, delta, createdUnix, null);
  }

  /** @param names the run's artifact names as UTF-8, or null to encode them for this writer */
  public BatchWriter(String mirrorId, StatsDelta delta, long createdUnix, ArtifactUtf8 names) {
    if (mirrorId == null || mirrorId.isEmpty()) {
      throw new IllegalArgumentException("mirror id must not be empty");
    }
    this.mirrorId = mirrorId;
    this.delta = delta;
    this.createdUnix = createdUnix;
    this.names = names;
    this.coverage = delta.coverage();
    this.artifactUtf8 = new byte[delta.slotCount()][];
    this.typeUtf8 = new byte[delta.slotCount()][];
  }

  /**
   * Part {@code part} of {@code parts}: the delta's rows {@code order[from .. to)}, read from its
   * columns (no object per row).
   */
  public Part write(int[] order, int from, int to, int part, int parts) {
    int n = to - from;
    byte[][] sketches = new byte[n][];
    // UTF-8 of each row's project, artifact, type and protocol, looked up once for both passes.
    byte[][] strings = new byte[n * 4][];
    int[] sizes = new int[n];
    long total = 0;
    List<long[]> periods = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int r = order[from + i];
      sketches[i] = delta.uniqueSketch(r);
      int slot = delta.artifactSlot(r);
      if (artifactUtf8[slot] == null) {
        artifactUtf8[slot] = names != null ? names.of(delta.artifactId(r), delta.artifact(r))
            : delta.artifact(r).getBytes(StandardCharsets.UTF_8);
        typeUtf8[slot] = utf8(delta.type(r));
      }
      int pr = delta.protocolId(r);
      if (protocolUtf8[pr] == null) {
        protocolUtf8[pr] = utf8(delta.protocol(r));
      }
      String project = delta.project(r);
      if (project != lastProject) {
        lastProjectUtf8 = utf8(project);
        lastProject = project;
      }
      strings[4 * i] = lastProjectUtf8;
      strings[4 * i + 1] = artifactUtf8[slot];
      strings[4 * i + 2] = typeUtf8[slot];
      strings[4 * i + 3] = protocolUtf8[pr];
      sizes[i] = rowSize(r, strings, 4 * i, sketches[i]);
      total += CodedOutputStream.computeTagSize(5) + CodedOutputStream.computeUInt32SizeNoTag(sizes[i])
          + sizes[i];
      int g = StatsBatchEncoder.granularity(delta.granularity(r));
      if (!contains(periods, g, delta.periodStart(r))) {
        periods.add(new long[] {g, delta.periodStart(r)});
      }
    }
    periods.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    byte[] id = BatchIds.batchId(mirrorId, coverage, periods, part, parts);
    StatsBatch.Builder head = StatsBatch.newBuilder()
        .setFormatVersion(StatsBatchEncoder.FORMAT_VERSION)
        .setBatchId(com.google.protobuf.ByteString.copyFrom(id))
        .setMirrorId(mirrorId);
    StatsBatchEncoder.addCoverage(head, coverage);
    StatsBatch.Builder tail = StatsBatch.newBuilder();
    StatsBatchEncoder.addTail(tail, delta, part, parts, createdUnix);
    byte[] h = head.build().toByteArray();
    byte[] t = tail.build().toByteArray();
    if (h.length + total + t.length > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("stats batch part over 2 GB");
    }
    byte[] out = new byte[(int) (h.length + total + t.length)];
    System.arraycopy(h, 0, out, 0, h.length);
    CodedOutputStream o = CodedOutputStream.newInstance(out, h.length, (int) total);
    try {
      for (int i = 0; i < n; i++) {
        o.writeTag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(sizes[i]);
        writeRow(o, order[from + i], strings, 4 * i, sketches[i]);
      }
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // only if the sizes above were wrong
    }
    System.arraycopy(t, 0, out, (int) (h.length + total), t.length);
    return new Part(id, out, n, part, Math.max(1, parts));
  }

  // A part's rows share a few (granularity, period) pairs, so a list scan is enough.
  private static boolean contains(List<long[]> periods, int g, long start) {
    for (int i = periods.size() - 1; i >= 0; i--) {
      long[] p = periods.get(i);
      if (p[0] == g && p[1] == start) {
        return true;
      }
    }
    return false;
  }

  private byte[] utf8(String s) {
    byte[] b = utf8.get(s);
    if (b == null) {
      b = s.getBytes(StandardCharsets.UTF_8);
      utf8.put(s, b);
    }
    return b;
  }

  private int rowSize(int r, byte[][] strings, int at, byte[] sketch) {
    int n = 0;
    long period = delta.periodStart(r);
    if (period != 0) {
      n += CodedOutputStream.computeInt64Size(1, period);
    }
    int g = StatsBatchEncoder.granularity(delta.granularity(r));
    if (g != 0) {
      n += CodedOutputStream.computeEnumSize(2, g);
    }
    for (int f = 0; f < 4; f++) {
      n += stringSize(3 + f, strings[at + f]);
    }
    n += uint64Size(7, delta.downloads(r)) + uint64Size(8, delta.bytes(r))
        + uint64Size(9, delta.botRequests(r));
    if (sketch != null && sketch.length > 0) {
      n += CodedOutputStream.computeByteArraySize(10, sketch);
    }
    return n;
  }

  private static int stringSize(int field, byte[] utf8) {
    return utf8.length == 0 ? 0 : CodedOutputStream.computeByteArraySize(field, utf8);
  }

  private static int uint64Size(int field, long v) {
    return v == 0 ? 0 : CodedOutputStream.computeUInt64Size(field, v);
  }

  private void writeRow(CodedOutputStream o, int r, byte[][] strings, int at, byte[] sketch)
      throws IOException {
    long period = delta.periodStart(r);
    if (period != 0) {
      o.writeInt64(1, period);
    }
    int g = StatsBatchEncoder.granularity(delta.granularity(r));
    if (g != 0) {
      o.writeEnum(2, g);
    }
    for (int f = 0; f < 4; f++) {
      if (strings[at + f].length != 0) {
        o.writeByteArray(3 + f, strings[at + f]);
      }
    }
    writeUInt64(o, 7, delta.downloads(r));
    writeUInt64(o, 8, delta.bytes(r));
    writeUInt64(o, 9, delta.botRequests(r));
    if (sketch != null && sketch.length > 0) {
      o.writeByteArray(10, sketch);
    }
  }

  private static void writeUInt64(CodedOutputStream o, int field, long v) throws IOException {
    if (v != 0) {
      o.writeUInt64(field, v);
    }
  }
}
