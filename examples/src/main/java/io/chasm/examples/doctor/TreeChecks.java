package io.chasm.examples.doctor;

import io.chasm.examples.config.Settings;
import io.chasm.examples.config.ValueChecks;
import io.chasm.hashtree.index.StateLocation;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tree: writable by the fetcher (checked for the user running doctor: run it as the daemon's
 * user), free disk space against the next snapshot's size, and the inotify watch limit against
 * the tree's directories. The protocol announces no snapshot size, so the estimate of the next
 * snapshot is the tree's current size: what a first sync or a --flip sync needs in full; an
 * in-place sync needs only its changed files.
 */
final class TreeChecks {
  static final Path MAX_WATCHES = Path.of("/proc/sys/fs/inotify/max_user_watches");

  private TreeChecks() {}

  /** Size of the regular files and number of directories of a tree, in one walk. */
  record TreeSize(long bytes, long directories) {}

  static List<Finding> run(Settings s, Path maxWatchesFile) {
    List<Finding> out = new ArrayList<>();
    if (!s.isSet("tree")) {
      return out;
    }
    Path tree = Path.of(s.get("tree")).toAbsolutePath().normalize();
    boolean fetcher = !ValueChecks.list(s.get("fetcher.upstream")).isEmpty();
    if (!Files.isDirectory(tree)) {
      out.add(fetcher && writableAncestor(tree)
          ? Finding.ok("tree writable", tree + " does not exist yet; the first sync creates it")
          : Finding.fail("tree writable", tree + " does not exist", "mkdir -p " + tree + " and chown it to the fetcher's user"));
      return out;
    }
    if (fetcher && !Files.isWritable(tree)) {
      out.add(Finding.fail("tree writable", tree + " is not writable by this user", "chown -R the fetcher's user " + tree
          + " (and run doctor as that user: sudo -u chasm chasm doctor ...)"));
    } else {
      out.add(Finding.ok("tree writable", tree + (fetcher ? " is writable" : " is readable (no fetcher configured)")));
    }
    Path state = StateLocation.resolve(tree, s.isSet("state") ? Path.of(s.get("state")) : null);
    if (Files.isDirectory(state) && !Files.isWritable(state)) {
      out.add(Finding.fail("state writable", state + " is not writable by this user", "chown -R the daemon's user " + state));
    } else if (!Files.exists(state) && !writableAncestor(state)) {
      out.add(Finding.fail("state writable", state + " cannot be created by this user", "mkdir -p " + state + " and chown it to the daemon's user"));
    } else {
      out.add(Finding.ok("state writable", state + (Files.exists(state) ? " is writable" : " will be created")));
    }
    TreeSize size;
    try {
      size = measure(tree);
    } catch (IOException e) {
      out.add(Finding.fail("tree readable", "cannot walk " + tree + ": " + e.getMessage(), "fix the permissions under " + tree));
      return out;
    }
    out.add(disk(tree, size.bytes(), ValueChecks.bool("fetcher.flip", s.get("fetcher.flip"))));
    out.add(inotify(size.directories(), maxWatchesFile, !s.get("oracle.auto-publish-quiet").equalsIgnoreCase("off")));
    return out;
  }

  static Finding disk(Path tree, long treeBytes, boolean flip) {
    long free;
    try {
      free = Files.getFileStore(tree).getUsableSpace();
    } catch (IOException e) {
      return Finding.warn("disk space", "cannot read the free space of " + tree + ": " + e.getMessage(), "check with df " + tree);
    }
    String d = String.format(Locale.ROOT, "%s free, next snapshot estimated at %s (the tree's current size)", human(free), human(treeBytes));
    if (free >= treeBytes) {
      return Finding.ok("disk space", d);
    }
    String fix = "free space or grow the file system holding " + tree;
    return flip ? Finding.fail("disk space", d + "; fetcher.flip builds a complete new tree", fix)
        : Finding.warn("disk space", d + "; enough only if a sync changes less than the free space", fix);
  }

  static Finding inotify(long directories, Path maxWatchesFile, boolean watching) {
    long limit;
    try {
      // Files.readString trusts the size procfs reports (0) and returned "1" for 192530 on Java 17:
      // read lines, which go to the end of the file.
      limit = Long.parseLong(Files.readAllLines(maxWatchesFile).get(0).trim());
    } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
      return Finding.warn("inotify watches", "cannot read " + maxWatchesFile + " (not Linux?): " + e.getMessage(), "none needed off Linux");
    }
    String d = directories + " directories in the tree, limit " + limit + " watches per user";
    String fix = "sysctl -w fs.inotify.max_user_watches=" + Math.max(2 * directories, 524288)
        + " and the same in /etc/sysctl.d/60-chasm.conf";
    if (directories < limit * 9 / 10) {
      return Finding.ok("inotify watches", d);
    }
    return watching ? Finding.fail("inotify watches", d + "; oracle.auto-publish-quiet watches every directory", fix)
        : Finding.warn("inotify watches", d + "; watching the tree (oracle.auto-publish-quiet) would fail", fix);
  }

  static TreeSize measure(Path tree) throws IOException {
    long[] acc = new long[2];
    Files.walkFileTree(tree, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        acc[1]++;
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          acc[0] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return new TreeSize(acc[0], acc[1]);
  }

  private static boolean writableAncestor(Path p) {
    for (Path a = p.getParent(); a != null; a = a.getParent()) {
      if (Files.exists(a)) {
        return Files.isWritable(a);
      }
    }
    return false;
  }

  static String human(long bytes) {
    return bytes < 1 << 20 ? bytes + " B" : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }
}
