package io.chasm.hashtree.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Random edits of a test tree, as an origin's operators and uploads make them; shared by the journal tests. */
final class TreeEdits {
  private TreeEdits() {}

  /**
   * One random edit somewhere in {@code tree} (whose top directories are {@code d0..d(dirs-1)}):
   * create, overwrite, append, delete, rename (within and across directories, onto existing names),
   * mkdir with content, rmdir, symlink, chmod, touch. Throws FileSystemException for an edit the
   * file system refuses (a rename onto a non-empty directory): that edit just does not happen.
   */
  static void mutate(Path tree, int dirs, Random rnd) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(tree)) {
      s.filter(p -> !p.equals(tree)).forEach(all::add);
    }
    if (all.isEmpty()) {
      Files.writeString(tree.resolve("seed"), "x");
      return;
    }
    Path p = all.get(rnd.nextInt(all.size()));
    boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    boolean file = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    Path parent = dir ? p : p.getParent();
    switch (rnd.nextInt(10)) {
      case 0 -> Files.writeString(dir ? p.resolve("w" + rnd.nextInt(5)) : p, "content " + rnd.nextLong());
      case 1 -> delete(p);
      case 2 -> Files.move(p, p.resolveSibling("r" + rnd.nextInt(1000)), StandardCopyOption.REPLACE_EXISTING);
      case 3 -> {
        Path d = Files.createDirectories(parent.resolve("n" + rnd.nextInt(3)).resolve("m"));
        Files.writeString(d.resolve("x"), "nested " + rnd.nextInt());
      }
      case 4 -> Files.createSymbolicLink(parent.resolve("l" + rnd.nextInt(1000)), Path.of("t" + rnd.nextInt(3)));
      case 5 -> {
        Path target = tree.resolve("d" + rnd.nextInt(dirs)).resolve("in" + rnd.nextInt(1000));
        if (!target.startsWith(p) && Files.isDirectory(target.getParent())) {
          Files.move(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      case 6 -> {
        if (file) {
          Files.writeString(p, " appended " + rnd.nextInt(), StandardOpenOption.APPEND);
        }
      }
      case 7 -> Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
          dir ? (rnd.nextBoolean() ? "rwx------" : "rwxr-xr-x") : (rnd.nextBoolean() ? "rwxr-xr-x" : "rw-------")));
      case 8 -> {
        // mkdir, then rmdir of an empty directory (a listing that changes and changes back)
        Path d = Files.createDirectories(parent.resolve("e" + rnd.nextInt(3)));
        if (rnd.nextBoolean()) {
          try (Stream<Path> s = Files.list(d)) {
            if (s.findAny().isEmpty()) {
              Files.delete(d);
            }
          }
        }
      }
      default -> {
        if (!Files.isSymbolicLink(p)) {
          Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(rnd.nextInt(100_000))));
        }
      }
    }
  }

  /** Sets every entry's mtime an hour back: old enough to be trusted by stat (SPEC §6.3). */
  static void age(Path t) throws IOException {
    FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
    try (Stream<Path> s = Files.walk(t)) {
      for (Path p : s.toList()) {
        Files.setLastModifiedTime(p, old);
      }
    }
  }

  static void delete(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
