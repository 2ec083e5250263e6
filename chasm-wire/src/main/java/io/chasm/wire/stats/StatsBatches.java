package io.chasm.wire.stats;

import io.chasm.stats.Coverage;
import io.chasm.stats.StatsDelta;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.stats.internal.ArtifactUtf8;
import io.chasm.wire.stats.internal.BatchIds;
import io.chasm.wire.stats.internal.PartEncoder;
import io.chasm.wire.stats.internal.StatsBatchEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a {@link StatsDelta} as stats batches with deterministic ids (SPEC §11): the same mirror
 * and the same covered bytes always give the same id, so a resend after a crash is recognised by
 * the collector and counted once.
 */
public final class StatsBatches {
  /** Value of {@code format_version}. */
  public static final int FORMAT_VERSION = StatsBatchEncoder.FORMAT_VERSION;

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
    return BatchIds.batchId(mirrorId, coverage, periods, part, parts);
  }

  /** Rows per batch when a delta is split: at most about 4.5 MB even if every sketch is full. */
  public static final int MAX_ROWS = 2_000;

  /** The batch for one delta, unsplit (see {@link #buildAll}). */
  public static EncodedBatch build(String mirrorId, StatsDelta delta, long createdUnix) {
    return of(StatsBatchEncoder.encode(mirrorId, delta, delta.rows(), 0, 1, createdUnix));
  }

  /**
   * The batches for one delta: rows in canonical order, cut every {@code maxRows}; countme rows
   * and totals go with part 0, the coverage with every part.
   */
  public static List<EncodedBatch> buildAll(String mirrorId, StatsDelta delta, int maxRows,
      long createdUnix) {
    List<EncodedBatch> out = new ArrayList<>();
    try {
      forEach(mirrorId, delta, maxRows, createdUnix, out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Receives one batch of a delta; see {@link #forEach}. */
  public interface BatchConsumer {
    void accept(EncodedBatch batch) throws IOException;
  }

  /**
   * The batches of {@link #buildAll}, the same bytes, handed over one at a time in part order on
   * the calling thread: parts are encoded on all cores, a few at most ahead of the sink, so only a
   * few parts' encodings (their sketches serialised) are in memory at once, not the whole step's.
   */
  public static void forEach(String mirrorId, StatsDelta delta, int maxRows, long createdUnix,
      BatchConsumer sink) throws IOException {
    forEach(mirrorId, delta, maxRows, createdUnix, null, sink);
  }

  // With a spool's run-wide artifact names (null: none).
  static void forEach(String mirrorId, StatsDelta delta, int maxRows, long createdUnix,
      ArtifactUtf8 names, BatchConsumer sink) throws IOException {
    // Parts are encoded on all cores, handed over here in order (PartEncoder).
    PartEncoder.encode(mirrorId, delta, delta.order(), maxRows, createdUnix, names,
        p -> sink.accept(new EncodedBatch(p.id(), p.bytes(), p.rows(), p.part(), p.parts())));
  }

  private static EncodedBatch of(StatsBatch b) {
    return of(b, b.toByteArray());
  }

  /**
   * {@code b} with {@code bytes}, the exact bytes it was parsed from or serialises to; an unsplit
   * batch leaves part and parts unset (0).
   */
  static EncodedBatch of(StatsBatch b, byte[] bytes) {
    return new EncodedBatch(b.getBatchId().toByteArray(), bytes, b.getRowsCount(), b.getPart(),
        Math.max(1, b.getParts()));
  }
}
