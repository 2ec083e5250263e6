package io.chasm.hashtree.merkle;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectKind;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.internal.Decoder;
import io.chasm.hashtree.internal.Encoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A file manifest expressed against another one (tck/SPEC.md §3.10): runs of entries copied from
 * the base and entries inserted. A 4 GiB file with one changed chunk has some 65,000 entries
 * (36 bytes each); its delta against the previous version is a few dozen bytes. The delta
 * commits to nothing: {@link #apply} rebuilds the canonical manifest bytes, which the receiver
 * then decodes against the file id it asked for, exactly as a manifest fetched whole.
 *
 * <pre>
 * delta  = u8 version = 1 || u32 count || op*
 * op     = u8 1 (copy)   || u32 from || u32 run          base entries [from, from + run)
 *        | u8 2 (insert) || u32 n || n × (u32 length || 32-byte chunk id)
 * </pre>
 */
public final class ManifestDelta {
  public static final int VERSION = 1;
  static final int COPY = 1;
  static final int INSERT = 2;
  private static final int ENTRY = 4 + 32;

  private ManifestDelta() {}

  /** A delta that rebuilds {@code target} from {@code base}; greedy: each run as long as it goes. */
  public static byte[] diff(FileManifest base, FileManifest target) {
    Map<Entry, Integer> first = new HashMap<>();
    for (int i = base.chunkCount() - 1; i >= 0; i--) {
      first.put(Entry.of(base.chunk(i)), i);
    }
    Encoder e = new Encoder(64);
    e.u8(VERSION).u32(target.chunkCount());
    List<Chunk> inserts = new ArrayList<>();
    int i = 0;
    while (i < target.chunkCount()) {
      Integer from = first.get(Entry.of(target.chunk(i)));
      if (from == null) {
        inserts.add(target.chunk(i++));
        continue;
      }
      flushInserts(e, inserts);
      int run = 1;
      while (i + run < target.chunkCount() && from + run < base.chunkCount()
          && Entry.of(base.chunk(from + run)).equals(Entry.of(target.chunk(i + run)))) {
        run++;
      }
      e.u8(COPY).u32(from).u32(run);
      i += run;
    }
    flushInserts(e, inserts);
    return e.toByteArray();
  }

  private static void flushInserts(Encoder e, List<Chunk> inserts) {
    if (inserts.isEmpty()) {
      return;
    }
    e.u8(INSERT).u32(inserts.size());
    for (Chunk c : inserts) {
      e.u32(c.length()).bytes(c.id().bytes());
    }
    inserts.clear();
  }

  /**
   * The canonical manifest encoding (§3.6) that {@code delta} describes over {@code base}; not yet
   * checked against any id (decode it with {@link FileManifest#decode(byte[], io.chasm.api.ObjectId)}).
   *
   * @throws CorruptObjectException if the delta does not decode strictly: another version, an
   *     unknown op, a run or insert of 0 entries, a run beyond the base, more or fewer entries
   *     than its count, trailing or missing bytes
   * @throws LimitExceededException if its count is above {@link FileManifest#MAX_CHUNKS}
   */
  public static byte[] apply(FileManifest base, byte[] delta) throws CorruptObjectException, LimitExceededException {
    return apply(base, delta, FileManifest.MAX_CHUNKS);
  }

  /**
   * As {@link #apply(FileManifest, byte[])}, refusing before any allocation a count above
   * {@code maxChunks} (a receiver bounds a rebuilt manifest as it bounds a fetched one: by its frame size).
   */
  public static byte[] apply(FileManifest base, byte[] delta, int maxChunks) throws CorruptObjectException, LimitExceededException {
    Decoder d = new Decoder(delta, "manifest delta");
    int version = d.u8();
    if (version != VERSION) {
      throw d.corrupt("unknown version " + version);
    }
    int count = d.u32(); // 2^31 or more: corrupt, as every u32 here
    int limit = Math.min(maxChunks, FileManifest.MAX_CHUNKS);
    if (count > limit) {
      throw new LimitExceededException("manifest delta lists " + count + " chunks, limit " + limit);
    }
    Encoder out = new Encoder(7 + count * ENTRY);
    out.u8(ObjectKind.FILE.code()).u8(FileManifest.VERSION).u8(HashAlgorithm.SHA_256.code()).u32(count);
    long made = 0;
    while (d.remaining() > 0) {
      int op = d.u8();
      long n;
      if (op == COPY) {
        long from = Integer.toUnsignedLong(d.u32());
        n = Integer.toUnsignedLong(d.u32());
        if (n == 0 || from + n > base.chunkCount()) {
          throw d.corrupt("copy of " + n + " entries from " + from + " of a base of " + base.chunkCount());
        }
        check(d, made + n, count);
        for (long k = from; k < from + n; k++) {
          Chunk c = base.chunk((int) k);
          out.u32(c.length()).bytes(c.id().bytes());
        }
      } else if (op == INSERT) {
        n = Integer.toUnsignedLong(d.u32());
        if (n == 0) {
          throw d.corrupt("insert of 0 entries");
        }
        check(d, made + n, count);
        for (long k = 0; k < n; k++) {
          out.u32(d.u32()).bytes(d.bytes(32));
        }
      } else {
        throw d.corrupt("unknown op " + op);
      }
      made += n;
    }
    if (made != count) {
      throw d.corrupt("rebuilds " + made + " entries, count says " + count);
    }
    return out.toByteArray();
  }

  private static void check(Decoder d, long made, int count) throws CorruptObjectException {
    if (made > count) {
      throw d.corrupt("rebuilds more than its count of " + count + " entries");
    }
  }

  /** A manifest entry: equal entries are interchangeable in a rebuilt manifest. */
  private record Entry(int length, Hash id) {
    static Entry of(Chunk c) {
      return new Entry(c.length(), c.id());
    }
  }
}
