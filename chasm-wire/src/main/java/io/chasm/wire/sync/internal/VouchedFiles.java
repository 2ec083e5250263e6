package io.chasm.wire.sync.internal;

import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The live files a run's damage scan found exactly as the last sync verified them (stat equal to
 * the stat index's record, or content rehashed), so their chunks may be copied without hashing
 * them again. The scan is a moment in the past: a file is vouched for only while its ctime is
 * older than the scan's start, because every change of content, metadata or name moves ctime to
 * the current time; a file changed since then falls back to reading and hashing.
 */
final class VouchedFiles {
  /**
   * The kernel stamps ctime from a clock that lags the one read here by up to a tick (1-10 ms):
   * a change just after the scan started could carry a ctime a little before it.
   */
  static final long CLOCK_SLACK_MS = 100;
  static final VouchedFiles NONE = new VouchedFiles(false, Set.of(), 0);
  private final boolean scanned;
  private final Set<String> damaged;
  private final long scanStartMillis;

  private VouchedFiles(boolean scanned, Set<String> damaged, long scanStartMillis) {
    this.scanned = scanned;
    this.damaged = damaged;
    this.scanStartMillis = scanStartMillis;
  }

  /** A scan that checked every file of the local snapshot and found {@code damaged}; it started at {@code scanStartMillis} (wall clock). */
  static VouchedFiles scanned(java.util.Collection<String> damaged, long scanStartMillis) {
    return new VouchedFiles(true, new HashSet<>(damaged), scanStartMillis);
  }

  /**
   * A stamp of {@code file} (tree path {@code path}) if the scan vouches for it as {@code before}
   * describes it and it has not changed since; null otherwise.
   */
  Stamp stamp(String path, Path file, TreeEntry before) {
    if (!scanned || damaged.contains(path)) {
      return null;
    }
    Stamp s = Stamp.of(file);
    return s != null && s.size == before.size() && s.ctimeMillis < scanStartMillis - CLOCK_SLACK_MS ? s : null;
  }

  /** What of a file's stat must not move while it is copied. */
  static final class Stamp {
    private final Object ino;
    private final long size;
    private final long ctimeMillis;
    private final FileTime ctime;

    private Stamp(Object ino, long size, FileTime ctime) {
      this.ino = ino;
      this.size = size;
      this.ctime = ctime;
      this.ctimeMillis = ctime.to(TimeUnit.MILLISECONDS);
    }

    static Stamp of(Path file) {
      try {
        Map<String, Object> a = Files.readAttributes(file, "unix:ino,size,ctime,mode", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        if ((mode & 0170000) != 0100000) {
          return null; // not a regular file
        }
        return new Stamp(a.get("ino"), (Long) a.get("size"), (FileTime) a.get("ctime"));
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return null; // gone, or no unix view here: never vouched
      }
    }

    /** True if {@code file} still has this stamp (checked after a copy: nothing wrote it meanwhile). */
    boolean holds(Path file) {
      Stamp now = of(file);
      return now != null && now.ino.equals(ino) && now.size == size && now.ctime.equals(ctime);
    }
  }
}
