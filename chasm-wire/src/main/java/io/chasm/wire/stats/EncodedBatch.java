package io.chasm.wire.stats;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One stats batch as it goes into the spool and onto the wire: its exact serialized bytes (a
 * protobuf {@code StatsBatch}, tck/SPEC.md §11) and, read from them, its id and shape. Made by
 * {@link StatsBatches} or read back by {@link StatsSpool#read}; there is no public constructor, so
 * the id always belongs to the bytes. Whoever needs the fields decodes {@link #bytes()} with the
 * generated {@code io.chasm.wire.proto.stats.StatsBatch} parser.
 */
public final class EncodedBatch {
  private final byte[] id;
  private final byte[] bytes;
  private final int rowCount;
  private final int part;
  private final int parts;

  /** Takes ownership of both arrays: a batch can be megabytes, so the package hands over fresh ones. */
  EncodedBatch(byte[] id, byte[] bytes, int rowCount, int part, int parts) {
    this.id = id;
    this.bytes = bytes;
    this.rowCount = rowCount;
    this.part = part;
    this.parts = parts;
  }

  /** The 32-byte batch id (SPEC §11.1); a copy. */
  public byte[] id() {
    return id.clone();
  }

  /** The id in lower-case hex, the spool file's name without {@link StatsSpool#SUFFIX}. */
  public String idHex() {
    return HexFormat.of().formatHex(id);
  }

  /** The exact serialized StatsBatch, what {@link StatsSubmitter} signs and sends; a copy. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The bytes without a copy, for the package's own writers that do not keep or change them. */
  byte[] sharedBytes() {
    return bytes;
  }

  /** Number of download rows in this batch. */
  public int rowCount() {
    return rowCount;
  }

  /** Index of this part among {@link #parts()}, 0 when the delta was not split. */
  public int part() {
    return part;
  }

  /** How many batches the delta was split into; 1 when it was not split. */
  public int parts() {
    return parts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodedBatch e && Arrays.equals(bytes, e.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "EncodedBatch[" + idHex() + ", " + bytes.length + " bytes, " + rowCount + " rows, part "
        + part + "/" + parts + "]";
  }
}
