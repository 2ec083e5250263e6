package io.chasm.hashtree.index;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * lstat(2) of one path: type and mode, device, inode, size, mtime and ctime in nanoseconds.
 *
 * <p>The portable way ({@code Files.readAttributes(p, "unix:...")}) parses the attribute list and
 * builds a map on every call, which is most of the cost of a no-change re-index. When the JVM
 * runs with {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED} (the {@code chasm} launcher
 * does), the fields of the JDK's own stat result are read directly instead; otherwise the portable
 * path is used. Both give identical values ({@code LstatTest}).
 */
record Lstat(int mode, long dev, long ino, long size, long mtime, long ctime) {
  static final int S_IFMT = 0170000;
  static final int S_IFREG = 0100000;
  static final int S_IFDIR = 0040000;
  static final int S_IFLNK = 0120000;

  private static final String ATTRS = "unix:mode,ino,dev,size,lastModifiedTime,ctime";
  private static final Class<?> UNIX_ATTRS;
  private static final VarHandle MODE;
  private static final VarHandle INO;
  private static final VarHandle DEV;
  private static final VarHandle SIZE;
  private static final VarHandle MTIME_SEC;
  private static final VarHandle MTIME_NSEC;
  private static final VarHandle CTIME_SEC;
  private static final VarHandle CTIME_NSEC;

  static {
    Class<?> c = null;
    VarHandle[] h = new VarHandle[8];
    try {
      c = Class.forName("sun.nio.fs.UnixFileAttributes");
      MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
      h[0] = l.findVarHandle(c, "st_mode", int.class);
      h[1] = l.findVarHandle(c, "st_ino", long.class);
      h[2] = l.findVarHandle(c, "st_dev", long.class);
      h[3] = l.findVarHandle(c, "st_size", long.class);
      h[4] = l.findVarHandle(c, "st_mtime_sec", long.class);
      h[5] = l.findVarHandle(c, "st_mtime_nsec", long.class);
      h[6] = l.findVarHandle(c, "st_ctime_sec", long.class);
      h[7] = l.findVarHandle(c, "st_ctime_nsec", long.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      c = null; // not opened to us, or another JDK: use the portable path
    }
    UNIX_ATTRS = c;
    MODE = h[0];
    INO = h[1];
    DEV = h[2];
    SIZE = h[3];
    MTIME_SEC = h[4];
    MTIME_NSEC = h[5];
    CTIME_SEC = h[6];
    CTIME_NSEC = h[7];
  }

  /** True when the direct path is in use. */
  static boolean direct() {
    return UNIX_ATTRS != null;
  }

  static Lstat of(Path p) throws IOException {
    if (UNIX_ATTRS != null) {
      Object a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.getClass() == UNIX_ATTRS) {
        return new Lstat(
            (int) MODE.get(a),
            (long) DEV.get(a),
            (long) INO.get(a),
            (long) SIZE.get(a),
            (long) MTIME_SEC.get(a) * 1_000_000_000L + (long) MTIME_NSEC.get(a),
            (long) CTIME_SEC.get(a) * 1_000_000_000L + (long) CTIME_NSEC.get(a));
      }
    }
    return portable(p);
  }

  static Lstat portable(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS);
    return new Lstat(
        (Integer) a.get("mode"),
        (Long) a.get("dev"),
        (Long) a.get("ino"),
        (Long) a.get("size"),
        ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
        ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS));
  }

  int type() {
    return mode & S_IFMT;
  }
}
