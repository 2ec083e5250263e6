package io.chasm.stats.scan;

import io.chasm.stats.LogReader;
import io.chasm.stats.format.LogFormats;
import io.chasm.stats.internal.ByteSource;
import io.chasm.stats.internal.StateFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Recognises a log file across renames and compression: by a hash of its first bytes (up to 4
 * KiB, decompressed), with device and inode to tell copies apart. Finds or starts the file's
 * checkpoint and its reader.
 */
final class FileIdentity {
  private static final int PREFIX = 4096;
  private static final int SAMPLE_LINES = 64;

  private FileIdentity() {}

  /**
   * The work for {@code p}, or null if there is nothing to read: empty, a compressed file read to
   * its end before, or the content of a file already claimed in this run under another name.
   *
   * @param format reader spec for every file; null = detect from the file
   */
  static ScanFile inspect(Path p, StateFile state, List<StateFile.Checkpoint> claimed, String format)
      throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime");
    ScanFile w = new ScanFile();
    w.path = p;
    w.size = (Long) a.get("size");
    w.mtime = ((FileTime) a.get("lastModifiedTime")).toMillis();
    long dev = ((Number) a.get("dev")).longValue();
    long ino = ((Number) a.get("ino")).longValue();
    w.compression = ByteSource.detect(p);
    if (w.compression != ByteSource.Compression.NONE) {
      for (StateFile.Checkpoint c : state.checkpoints) {
        if (c.dev == dev && c.ino == ino && c.doneSize == w.size && c.doneMtime == w.mtime) {
          return null; // a compressed file read to its end before: it cannot have grown
        }
      }
    }
    byte[] prefix = new byte[PREFIX];
    int plen = 0;
    try (ByteSource s = ByteSource.open(p, w.compression, 0, Long.MAX_VALUE)) {
      int n;
      while (plen < PREFIX && (n = s.read(prefix, plen, PREFIX - plen)) > 0) {
        plen += n;
      }
    } catch (IOException e) {
      if (plen == 0) {
        throw e;
      }
    }
    if (plen == 0) {
      return null;
    }
    StateFile.Checkpoint match = null;
    for (StateFile.Checkpoint c : state.checkpoints) {
      if (c.prefixLen <= plen && MessageDigest.isEqual(c.prefixHash, sha256(prefix, 0, c.prefixLen))) {
        if (match == null || (c.dev == dev && c.ino == ino)) {
          match = c;
        }
      }
    }
    if (match != null && claimed.contains(match)) {
      return null; // two names for the same content in one run (e.g. x.1 and x.1.gz): read one
    }
    w.planEnd = w.compression == ByteSource.Compression.NONE ? w.size : Long.MAX_VALUE;
    if (match != null && w.compression == ByteSource.Compression.NONE && w.size < match.offset) {
      match = null; // truncated in place: new content under the same name
    }
    if (match == null) {
      match = new StateFile.Checkpoint();
      byte[] id = ByteBuffer.allocate(24).putLong(dev).putLong(ino)
          .putLong(state.generation).array();
      match.identity = sha256(id, prefix, plen);
      state.checkpoints.add(match);
    }
    match.dev = dev;
    match.ino = ino;
    if (match.prefixLen < plen) {
      match.prefixLen = plen;
      match.prefixHash = sha256(prefix, 0, plen);
    }
    claimed.add(match);
    w.cp = match;
    if (w.compression == ByteSource.Compression.NONE && match.offset >= w.size) {
      w.active = false;
    }
    w.reader = reader(p, w.compression, format);
    return w;
  }

  private static LogReader reader(Path p, ByteSource.Compression c, String format) throws IOException {
    if (format != null) {
      return LogFormats.byName(format);
    }
    List<byte[]> sample = new ArrayList<>();
    byte[] buf = new byte[256 * 1024];
    int len = 0;
    try (ByteSource s = ByteSource.open(p, c, 0, Long.MAX_VALUE)) {
      int n;
      while (len < buf.length && (n = s.read(buf, len, buf.length - len)) > 0) {
        len += n;
      }
    } catch (IOException e) {
      if (len == 0) {
        throw e;
      }
    }
    int st = 0;
    for (int i = 0; i < len && sample.size() < SAMPLE_LINES; i++) {
      if (buf[i] == '\n') {
        int e = i > st && buf[i - 1] == '\r' ? i - 1 : i;
        sample.add(Arrays.copyOfRange(buf, st, e));
        st = i + 1;
      }
    }
    LogReader r = LogFormats.detect(sample);
    if (r == null) {
      String first = sample.isEmpty() ? new String(buf, 0, Math.min(len, 200), StandardCharsets.UTF_8)
          : new String(sample.get(0), 0, Math.min(sample.get(0).length, 200), StandardCharsets.UTF_8);
      throw new IllegalArgumentException("unknown log format (first line, digits masked: "
          + LogScanner.redact(first) + "); name one with --format");
    }
    return r;
  }

  private static byte[] sha256(byte[] a, byte[] b, int blen) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(a);
      md.update(b, 0, blen);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] b, int off, int len) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(b, off, len);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
