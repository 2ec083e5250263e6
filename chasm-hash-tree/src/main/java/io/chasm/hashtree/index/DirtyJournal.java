package io.chasm.hashtree.index;

import io.chasm.hashtree.internal.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The journal of dirty paths a running {@link IndexWatcher} keeps in the state directory, and
 * its reading by an index run (tck/SPEC.md §"index-dirty"). Files:
 *
 * <ul>
 *   <li>{@value #JOURNAL}: a header line {@code chasm-index-dirty 1 GENERATION}, then one line
 *       per event: {@code C path} (created or moved in: a directory is walked whole), {@code D
 *       path} (deleted or moved away), {@code M path} (content or attributes changed), {@code !} (full walk needed: start, overflow), {@code
 *       S token} (every event before the sync token was written is above this line);
 *   <li>{@value #LOCK}: locked by the watcher while it runs: the kernel drops the lock when the
 *       process dies, so a crashed daemon is never taken for a live one;
 *   <li>{@value #SYNC}: a reader writes a fresh token here and waits for its {@code S} line;
 *   <li>{@value #CONSUMED}: {@code GENERATION OFFSET ROOT}: the index whose root tree is ROOT
 *       includes the journal up to OFFSET (an index put back from elsewhere does not, and is walked).
 * </ul>
 *
 * Lines are appended without fsync: after a crash or restart the watcher starts a new generation,
 * which never matches the consumed record, so nothing written before can be trusted anyway.
 */
final class DirtyJournal {
  static final String JOURNAL = "index-dirty";
  static final String LOCK = "index-dirty.lock";
  static final String SYNC = "index-dirty.sync";
  static final String CONSUMED = "index-dirty.consumed";
  static final String MAGIC = "chasm-index-dirty 1 ";

  private DirtyJournal() {}

  /** What an index run may skip: the paths changed since the index, or why it must walk everything. */
  /**
   * @param changed every journalled path
   * @param created paths created or moved in
   * @param listed paths created or deleted: their directory's listing changed
   */
  record Pending(String generation, long end, List<byte[]> changed, List<byte[]> created, List<byte[]> listed,
      String fullWalkReason) {
    boolean incremental() {
      return fullWalkReason == null;
    }
  }

  /** A new generation id: random, so a restarted watcher's journal never passes for its predecessor's. */
  static String newGeneration() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** State directories an {@link IndexWatcher} of this JVM journals for (absolute, normalized). */
  private static final java.util.Set<Path> WATCHED_HERE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static void watching(Path state, boolean on) {
    Path p = state.toAbsolutePath().normalize();
    if (on) {
      WATCHED_HERE.add(p);
    } else {
      WATCHED_HERE.remove(p);
    }
  }

  /** Whether some process (this one included) holds the watcher's lock on {@code state}. */
  static boolean watcherAlive(Path state) {
    // Never probe our own lock: closing any channel of a file drops every lock this JVM holds on it
    // (POSIX record locks), so the probe would release the running watcher's lock.
    if (WATCHED_HERE.contains(state.toAbsolutePath().normalize())) {
      return true;
    }
    Path lock = state.resolve(LOCK);
    if (!Files.exists(lock)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l == null) {
        return true;
      }
      l.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Reads what changed since the index of {@code state} was written. Waits up to {@code syncWait}
   * for the watcher to confirm it has journalled every event that happened before this call: an
   * event still in the kernel's queue would otherwise be missed by this run.
   */
  static Pending read(Path state, String indexRoot, long syncWaitNanos) throws IOException {
    Path journal = state.resolve(JOURNAL);
    if (!Files.exists(journal) || !watcherAlive(state)) {
      return full(null, "no index watcher running");
    }
    String token = newGeneration();
    AtomicFiles.write(state.resolve(SYNC), token.getBytes(StandardCharsets.US_ASCII));
    byte[] want = ("S " + token + "\n").getBytes(StandardCharsets.US_ASCII);
    long deadline = System.nanoTime() + syncWaitNanos;
    byte[] b;
    int ack;
    while (true) {
      b = readAll(journal);
      ack = indexOf(b, want);
      if (ack >= 0) {
        break;
      }
      if (System.nanoTime() - deadline > 0) {
        return full(null, "the index watcher did not confirm the sync token");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return full(null, "interrupted");
      }
    }
    long end = ack + want.length;
    int nl = indexOf(b, new byte[] {'\n'});
    String header = nl < 0 ? "" : new String(b, 0, nl, StandardCharsets.US_ASCII);
    if (!header.startsWith(MAGIC)) {
      return full(null, "journal header unknown");
    }
    String generation = header.substring(MAGIC.length());
    String[] consumed = readConsumed(state);
    if (consumed == null || !consumed[0].equals(generation) || !consumed[2].equals(indexRoot)) {
      return full(new Pending(generation, end, null, null, null, null), "the index predates the watcher's journal");
    }
    long from = Long.parseLong(consumed[1]);
    if (from < nl + 1 || from > end) {
      return full(new Pending(generation, end, null, null, null, null), "consumed offset out of range");
    }
    List<byte[]> changed = new ArrayList<>();
    List<byte[]> created = new ArrayList<>();
    List<byte[]> listed = new ArrayList<>();
    int i = (int) from;
    while (i < end) {
      int e = i;
      while (b[e] != '\n') {
        e++;
      }
      byte kind = b[i];
      if (kind == '!') {
        return full(new Pending(generation, end, null, null, null, null), "the watcher lost events (overflow or restart)");
      }
      if (kind == 'C' || kind == 'D' || kind == 'M') {
        byte[] p = unescape(b, i + 2, e);
        changed.add(p);
        if (kind == 'C') {
          created.add(p);
        }
        if (kind != 'M') {
          listed.add(p);
        }
      }
      i = e + 1;
    }
    return new Pending(generation, end, changed, created, listed, null);
  }

  private static Pending full(Pending p, String reason) {
    return p == null ? new Pending(null, 0, null, null, null, reason) : new Pending(p.generation(), p.end(), null, null, null, reason);
  }

  /** Records that the index now includes the journal up to {@code p}'s end (a no-op without a watcher). */
  static void consumed(Path state, Pending p, String indexRoot) throws IOException {
    if (p.generation() != null) {
      AtomicFiles.write(state.resolve(CONSUMED),
          (p.generation() + " " + p.end() + " " + indexRoot + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static String[] readConsumed(Path state) throws IOException {
    try {
      String[] f = Files.readString(state.resolve(CONSUMED), StandardCharsets.US_ASCII).trim().split(" ");
      return f.length == 3 && f[1].matches("[0-9]{1,18}") ? f : null;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static byte[] readAll(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), Integer.MAX_VALUE - 16));
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // a concurrent append past the size read here is left for the next reader
      }
      return java.util.Arrays.copyOf(buf.array(), buf.position());
    }
  }

  private static int indexOf(byte[] b, byte[] want) {
    outer:
    for (int i = 0; i + want.length <= b.length; i++) {
      for (int k = 0; k < want.length; k++) {
        if (b[i + k] != want[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** {@code kind path\n}: newline, carriage return and '%' in the path as %XX, so every line is one event. */
  static byte[] line(char kind, byte[] path) {
    ByteArrayOutputStream o = new ByteArrayOutputStream(path.length + 3);
    o.write(kind);
    o.write(' ');
    for (byte x : path) {
      if (x == '\n' || x == '\r' || x == '%') {
        o.write('%');
        o.writeBytes(String.format("%02X", x & 0xff).getBytes(StandardCharsets.US_ASCII));
      } else {
        o.write(x);
      }
    }
    o.write('\n');
    return o.toByteArray();
  }

  private static byte[] unescape(byte[] b, int from, int to) {
    ByteArrayOutputStream o = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      if (b[i] == '%' && i + 2 < to + 1) {
        o.write(Integer.parseInt(new String(b, i + 1, 2, StandardCharsets.US_ASCII), 16));
        i += 2;
      } else {
        o.write(b[i]);
      }
    }
    return o.toByteArray();
  }

  /** The generation named in {@code state}'s journal header, if any. */
  static Optional<String> generation(Path state) throws IOException {
    try {
      byte[] b = readAll(state.resolve(JOURNAL));
      int nl = indexOf(b, new byte[] {'\n'});
      String h = nl < 0 ? "" : new String(b, 0, nl, StandardCharsets.US_ASCII);
      return h.startsWith(MAGIC) ? Optional.of(h.substring(MAGIC.length())) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
