package io.chasm.stats.internal;

import io.chasm.stats.LogRecord;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import io.chasm.stats.Window;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * The ranged-download heuristic. A client's 206 responses for one artifact on one day add up;
 * when, at the close of that day, their bytes reach the artifact's full size (its largest 200
 * response that day) they count as one download, attributed to the hour of the last range.
 * Deciding only when the day closes, on what the day holds, makes the count independent of how
 * the work was cut into steps: open entries and full sizes outlive a step ({@link #save}, kept in
 * the state file with the checkpoints) until their day closes.
 */
public final class RangeTracker implements StateFile.Carry {
  /** Tracked (client, artifact, day) triples; further ranges count bytes only. */
  public static final int MAX_ENTRIES = 1 << 20;
  private static final int PROTOCOLS = 4;
  private static final int CARRY_VERSION = 1;
  private static final LogRecord.Protocol[] PROTOCOL = LogRecord.Protocol.values();

  private final NameOrder names = new NameOrder();
  private final RangeColumns open = new RangeColumns(names);
  // Keyed as the ranges with client 0; amount is the size.
  private final RangeColumns fulls = new RangeColumns(names);
  // writeUTF bytes of artifact names by catalog id, filled as an artifact's first range arrives.
  private byte[][] utfById = new byte[0][];
  // The writeUTF bytes of the names of all open ranges and of all full sizes: the record's size
  // without a look-up per range at every step (w8-A).
  private long openNameBytes, fullNameBytes;

  /** Notes the largest complete (200) response of an artifact on a day. */
  public synchronized void fullSize(ArtifactCatalog.Artifact art, int protocol, long day, long size) {
    int s = fulls.find(day, 0, art, protocol);
    if (s < 0) {
      s = fulls.add(day, 0, art, protocol, 0, 0);
      fullNameBytes += utf(art).length;
    }
    fulls.amount[s] = Math.max(fulls.amount[s], size);
  }

  public synchronized void add(ArtifactCatalog.Artifact art, int protocol, long day, long client,
      long weekClient, long monthClient, long bytes, long ts) {
    int s = open.find(day, client, art, protocol);
    if (s < 0) {
      if (open.size() >= MAX_ENTRIES) {
        return;
      }
      s = open.add(day, client, art, protocol, weekClient, monthClient);
      openNameBytes += utf(art).length;
    }
    open.amount[s] += bytes;
    open.ts[s] = Math.max(open.ts[s], ts);
  }

  /**
   * Decides the entries of days before {@code closedBefore} (Long.MAX_VALUE: all, at the end of a
   * scan that keeps no state): those that add up to the day's full size go to the delta's hour,
   * day, week and month rows when it keeps hours (else their hour is noted), and to the report
   * when there is one. Entries and full sizes of later days stay.
   */
  public synchronized void finish(StatsDelta delta, SummaryRows report, long closedBefore) {
    // Most steps close no day: then nothing is put in order here (a scan without --state never
    // saves, so it would sort for nothing).
    if (open.anyBefore(closedBefore)) {
      decide(delta, report, closedBefore);
    }
    if (fulls.anyBefore(closedBefore)) {
      fulls.settle();
      int k = fulls.countBefore(closedBefore);
      fullNameBytes -= nameBytes(fulls, k);
      fulls.dropFirst(k);
    }
  }

  private void decide(StatsDelta delta, SummaryRows report, long closedBefore) {
    // In (day, artifact name, protocol, client) order, so that a redone step builds its sketches
    // in the same order and so the same bytes (catalog ids differ from run to run; names do not).
    open.settle();
    int k = open.countBefore(closedBefore);
    for (int s = 0; s < k; s++) {
      int f = fulls.find(open.day[s], 0, open.art[s], open.proto[s]);
      if (f < 0 || fulls.amount[f] <= 0 || open.amount[s] < fulls.amount[f]) {
        continue;
      }
      count(open.art[s], open.proto[s], open.day[s], open.client[s], open.week[s], open.month[s],
          open.ts[s], delta, report);
    }
    openNameBytes -= nameBytes(open, k);
    open.dropFirst(k);
  }

  // The hand-over of one decided ranged download into the delta and the report.
  private static void count(ArtifactCatalog.Artifact art, int proto, long day, long client,
      long weekClient, long monthClient, long lastTs, StatsDelta delta, SummaryRows report) {
    String protocol = PROTOCOL[proto].label();
    long hour = Math.floorDiv(lastTs, 3600) * 3600;
    if (delta.keepsHours()) {
      StatsRow h = delta.row(hour, StatsRow.Granularity.HOUR, art.project, art.path, art.type,
          protocol);
      h.add(1, 0, 0);
      h.addUnique(client);
    } else {
      delta.noteHour(hour);
    }
    if (delta.keepsHours() || report == null) {
      StatsRow d = delta.row(day * 86400, StatsRow.Granularity.DAY, art.project, art.path,
          art.type, protocol);
      d.add(1, 0, 0);
      d.addUnique(client);
    }
    if (delta.keepsHours()) {
      if (weekClient != 0) {
        WindowSketches.addTo(delta, Window.WEEK, Window.WEEK.indexOfDay(day), art, protocol)
            .addUnique(weekClient);
      }
      if (monthClient != 0) {
        WindowSketches.addTo(delta, Window.MONTH, Window.MONTH.indexOfDay(day), art, protocol)
            .addUnique(monthClient);
      }
    }
    if (report != null) {
      report.add(art, proto, 1, 0, 0);
      if (!delta.keepsHours()) { // else the report reads the delta's rows (SummaryRows.feed)
        report.addClient(art, proto, day, client, weekClient, monthClient);
      }
    }
  }

  /**
   * The open entries and full sizes, for the state file: keyed client hashes (never addresses)
   * of days whose secrets the state holds anyway, and artifact names. Sorted, so the same state
   * is the same bytes. Written straight into the state file ({@link StateFile.Carry}): the record
   * of a day's open ranges is tens of MB and is written at every step, so building it as one
   * array first was the largest single allocation of a step end (68 MB on 3 GB of log, w7-A).
   */
  @Override
  public synchronized long size() {
    return 12 + openNameBytes + (1 + 48L) * open.size() + fullNameBytes + (1 + 16L) * fulls.size();
  }

  // The writeUTF bytes of the names of c's first k slots.
  private long nameBytes(RangeColumns c, int k) {
    long n = 0;
    for (int s = 0; s < k; s++) {
      n += utfById[c.id[s]].length;
    }
    return n;
  }

  /**
   * Writes what {@link #size} measured, in the layout of DataOutputStream (big-endian, names as
   * writeUTF), through one 256 KiB buffer.
   */
  @Override
  public synchronized void writeTo(WritableByteChannel ch) throws IOException {
    open.settle();
    fulls.settle();
    ByteBuffer out = ByteBuffer.allocate(WRITE_BUFFER);
    out.putInt(CARRY_VERSION);
    out.putInt(open.size());
    for (int s = 0; s < open.size(); s++) {
      byte[] name = utfById[open.id[s]];
      room(out, ch, name.length + 1 + 48);
      out.put(name);
      out.put(open.proto[s]);
      out.putLong(open.day[s]).putLong(open.client[s]).putLong(open.week[s]).putLong(open.month[s]);
      out.putLong(open.amount[s]).putLong(open.ts[s]);
    }
    room(out, ch, 4);
    out.putInt(fulls.size());
    for (int s = 0; s < fulls.size(); s++) {
      byte[] name = utfById[fulls.id[s]];
      room(out, ch, name.length + 1 + 16);
      out.put(name);
      out.put(fulls.proto[s]);
      out.putLong(fulls.day[s]).putLong(fulls.amount[s]);
    }
    drain(out, ch);
  }

  // A name is at most 65,537 bytes as writeUTF (ArtifactPaths.MAX_PATH is far below), so an
  // entry always fits in an emptied buffer.
  private static final int WRITE_BUFFER = 256 << 10;

  private static void room(ByteBuffer out, WritableByteChannel ch, int need) throws IOException {
    if (out.remaining() < need) {
      drain(out, ch);
    }
  }

  private static void drain(ByteBuffer out, WritableByteChannel ch) throws IOException {
    out.flip();
    while (out.hasRemaining()) {
      ch.write(out);
    }
    out.clear();
  }

  /** The record as one array (tests and benchmarks; a scan streams it with {@link #writeTo}). */
  public synchronized byte[] save() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(size(), Integer.MAX_VALUE - 16));
    try {
      writeTo(Channels.newChannel(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array never fails
    }
    return bytes.toByteArray();
  }

  private byte[] utf(ArtifactCatalog.Artifact a) {
    if (a.id >= utfById.length) {
      utfById = Arrays.copyOf(utfById, Math.max(a.id + 1, utfById.length * 2));
    }
    byte[] u = utfById[a.id];
    if (u == null) {
      u = writeUtf(a.name);
      utfById[a.id] = u;
    }
    return u;
  }

  /**
   * {@code name} as {@link java.io.DataOutputStream#writeUTF} writes it (length prefix included: modified
   * UTF-8, U+0000 as two bytes, a supplementary character as its two surrogates of three bytes
   * each), encoded here without the two streams and their buffers (once per artifact and run, but
   * 1.6% of a {@code --state} scan's samples that way, JFR, w8-A).
   *
   * @throws IllegalArgumentException over 65,535 bytes (writeUTF refuses those too)
   */
  static byte[] writeUtf(String name) {
    int n = name.length();
    int len = n;
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c >= 0x80 || c == 0) {
        len += c >= 0x800 ? 2 : 1;
      }
    }
    if (len > 0xffff) {
      throw new IllegalArgumentException("name over 65535 bytes as modified UTF-8");
    }
    byte[] out = new byte[len + 2];
    out[0] = (byte) (len >>> 8);
    out[1] = (byte) len;
    int k = 2;
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c < 0x80 && c != 0) {
        out[k++] = (byte) c;
      } else if (c < 0x800) {
        out[k++] = (byte) (0xc0 | c >> 6);
        out[k++] = (byte) (0x80 | c & 0x3f);
      } else {
        out[k++] = (byte) (0xe0 | c >> 12);
        out[k++] = (byte) (0x80 | c >> 6 & 0x3f);
        out[k++] = (byte) (0x80 | c & 0x3f);
      }
    }
    return out;
  }

  /** Restores what {@link #save} wrote (nothing for an empty array). */
  public synchronized void load(byte[] carry, ArtifactCatalog catalog) throws IOException {
    if (carry.length == 0) {
      return;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(carry))) {
      if (in.readInt() != CARRY_VERSION) {
        throw new IOException("unknown open-range record in the stats state file");
      }
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        ArtifactCatalog.Artifact a = catalog.classify(in.readUTF());
        int p = protocol(in.readUnsignedByte());
        long day = in.readLong();
        long client = in.readLong();
        long week = in.readLong();
        long month = in.readLong();
        add(a, p, day, client, week, month, in.readLong(), in.readLong());
      }
      int m = in.readInt();
      for (int i = 0; i < m; i++) {
        ArtifactCatalog.Artifact a = catalog.classify(in.readUTF());
        int p = protocol(in.readUnsignedByte());
        long day = in.readLong();
        fullSize(a, p, day, in.readLong());
      }
    }
  }

  private static int protocol(int p) throws IOException {
    if (p >= PROTOCOLS) {
      throw new IOException("damaged open-range record in the stats state file");
    }
    return p;
  }
}
