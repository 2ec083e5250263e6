package io.chasm.hashtree.index;

import io.chasm.api.UnsafePathException;
import io.chasm.hashtree.tree.SafePaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.function.Consumer;

/**
 * The walk of an index run: lists and stats the tree, directories in parallel (one fork per
 * subdirectory), compares each entry with the previous table and hands new or changed files to
 * the {@link FileHasher} as soon as they are seen.
 */
final class TreeWalk {
  private static final int S_IFREG = Lstat.S_IFREG;
  private static final int S_IFDIR = Lstat.S_IFDIR;
  private static final int S_IFLNK = Lstat.S_IFLNK;

  /**
   * What the walk found in one directory, children sorted by name bytes, in columns: an object per
   * child (its stat, its name array, its hashing future) was most of a large tree's walk memory.
   * The indexer then lays everything out in depth-first order.
   */
  static final class Node {
    static final int NO_JOB = -1;
    int count;
    /** Child k's name is names[nameStart[k], nameStart[k + 1]). */
    final byte[] names;
    final int[] nameStart;
    final int[] mode;
    /** dev, ino, size, mtime, ctime of child k at [5k, 5k + 5). */
    final long[] stat;
    /** Node (directory) or byte[] (symlink target); null for files. */
    final Object[] extra;
    final int[] oldIndex;
    /** The hashing job of a new or changed file, or {@link #NO_JOB}. */
    final int[] job;
    final boolean[] same;

    Node(int n, int nameBytes) {
      names = new byte[nameBytes];
      nameStart = new int[n + 1];
      mode = new int[n];
      stat = new long[5 * n];
      extra = new Object[n];
      oldIndex = new int[n];
      job = new int[n];
      same = new boolean[n];
    }

    int nameLength(int k) {
      return nameStart[k + 1] - nameStart[k];
    }

    long dev(int k) {
      return stat[5 * k];
    }

    long ino(int k) {
      return stat[5 * k + 1];
    }

    long size(int k) {
      return stat[5 * k + 2];
    }

    long mtime(int k) {
      return stat[5 * k + 3];
    }

    long ctime(int k) {
      return stat[5 * k + 4];
    }

    int type(int k) {
      return mode[k] & Lstat.S_IFMT;
    }

    /** Adds a child as the previous table recorded it, unchanged: nothing is stat'ed. */
    void addKnown(byte[] from, int nameFrom, int nameLength, int mode, long dev, long ino, long size, long mtime,
        long ctime, int oldIndex) {
      int k = count++;
      System.arraycopy(from, nameFrom, names, nameStart[k], nameLength);
      nameStart[k + 1] = nameStart[k] + nameLength;
      this.mode[k] = mode;
      stat[5 * k] = dev;
      stat[5 * k + 1] = ino;
      stat[5 * k + 2] = size;
      stat[5 * k + 3] = mtime;
      stat[5 * k + 4] = ctime;
      job[k] = NO_JOB;
      this.oldIndex[k] = oldIndex;
      same[k] = true;
    }

    private void add(byte[] name, Lstat a) {
      int k = count++;
      System.arraycopy(name, 0, names, nameStart[k], name.length);
      nameStart[k + 1] = nameStart[k] + name.length;
      mode[k] = a.mode();
      stat[5 * k] = a.dev();
      stat[5 * k + 1] = a.ino();
      stat[5 * k + 2] = a.size();
      stat[5 * k + 3] = a.mtime();
      stat[5 * k + 4] = a.ctime();
      job[k] = NO_JOB;
    }
  }

  private record Listed(byte[] name, Path path) {}

  private final Path root;
  /** Path of the state directory relative to the root, when it lies inside the tree. */
  private static final byte[] EXPORT_DIR = io.chasm.hashtree.tree.ExportLayout.DIR.getBytes(StandardCharsets.UTF_8);
  private final byte[] excludeRel;
  private final IndexTable old;
  private final IndexProgress progress;
  private final FileHasher hasher;
  private final Consumer<String> warn;

  TreeWalk(Path root, byte[] excludeRel, IndexTable old, IndexProgress progress, FileHasher hasher, Consumer<String> warn) {
    this.root = root;
    this.excludeRel = excludeRel;
    this.old = old;
    this.progress = progress;
    this.hasher = hasher;
    this.warn = warn;
  }

  /** Walks the whole tree with {@code threads} walkers, which hash new or changed files themselves. */
  Node walk(int threads) throws IOException {
    ForkJoinPool walkers = new ForkJoinPool(threads);
    try {
      return walkers.invoke(new Scan(root, new byte[0], true));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      walkers.shutdownNow();
    }
  }

  /** Lists and stats the whole subtree of {@code dir} (at {@code prefix}, ending in '/'), on the calling pool. */
  Node scanTree(Path dir, byte[] prefix) throws IOException {
    try {
      return new Scan(dir, prefix, false).compute();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Adds the entry count and path bytes under {@code n} to {@code out[0]} and {@code out[1]}. */
  static void measure(Node n, long prefixLength, long[] out) {
    out[0] += n.count;
    for (int k = 0; k < n.count; k++) {
      long len = prefixLength + n.nameLength(k);
      out[1] += len;
      if (n.extra[k] instanceof Node sub) {
        measure(sub, len + 1, out);
      }
    }
  }

  private final class Scan extends RecursiveTask<Node> {
    private final Path dir;
    private final byte[] prefix;
    /** Hash files on this thread (a walker of {@link #walk}) rather than through the pool. */
    private final boolean hashHere;

    Scan(Path dir, byte[] prefix, boolean hashHere) {
      this.dir = dir;
      this.prefix = prefix;
      this.hashHere = hashHere;
    }

    @Override
    protected Node compute() {
      try {
        return scan();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private Node scan() throws IOException {
      List<Listed> listed = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          listed.add(new Listed(p.getFileName().toString().getBytes(StandardCharsets.UTF_8), p));
        }
      } catch (AccessDeniedException e) {
        throw new IOException(Indexer.display(prefix) + ": permission denied listing directory", e);
      }
      listed.sort((x, y) -> Arrays.compareUnsigned(x.name(), y.name()));
      int nameBytes = 0;
      for (Listed entry : listed) {
        nameBytes += entry.name().length;
      }
      Node n = new Node(listed.size(), nameBytes);
      for (Listed entry : listed) {
        byte[] name = entry.name();
        byte[] rel = Indexer.concat(prefix, name);
        Path p = entry.path();
        if (addEntry(n, rel, name, p, hashHere)) {
          int k = n.count - 1;
          if (n.type(k) == S_IFDIR) {
            Scan sub = new Scan(p, Indexer.concat(rel, new byte[] {'/'}), hashHere);
            sub.fork();
            n.extra[k] = sub;
          }
        }
      }
      int k = n.count;
      for (int i = 0; i < k; i++) {
        if (n.extra[i] instanceof Scan sub) {
          n.extra[i] = sub.join();
        }
      }
      // Entries skipped above leave unused capacity at the end; count says how many are real.
      return n;
    }
  }

  /**
   * Lstats {@code p} (at {@code rel}, named {@code name}) and adds it as {@code n}'s next child,
   * compared with the previous table; a new or changed file is scheduled for hashing. Returns
   * false if it is skipped (excluded, vanished, not a file, directory or symlink). A directory's
   * {@code extra} is left to the caller.
   */
  boolean addEntry(Node n, byte[] rel, byte[] name, Path p) throws IOException {
    return addEntry(n, rel, name, p, false);
  }

  /** As {@link #addEntry(Node, byte[], byte[], Path)}; {@code hashHere}: hash on this thread, not the pool. */
  private boolean addEntry(Node n, byte[] rel, byte[] name, Path p, boolean hashHere) throws IOException {
    if (excludeRel != null && Arrays.equals(rel, excludeRel)) {
      return false;
    }
    // The static export describes the tree, so it is never part of it (SPEC §12).
    if (rel.length == name.length && Arrays.equals(name, EXPORT_DIR)) {
      return false;
    }
    Lstat a;
    try {
      a = Lstat.of(p);
    } catch (NoSuchFileException e) {
      // A name the platform charset cannot round-trip cannot be opened by name either.
      boolean undecodable = new String(name, StandardCharsets.UTF_8).indexOf('\uFFFD') >= 0;
      warn.accept(Indexer.display(rel) + (undecodable
          ? ": name is not valid in the platform charset (run with a UTF-8 locale); not indexed"
          : ": vanished during the walk; not indexed"));
      return false;
    }
    progress.entriesSeen.incrementAndGet();
    byte kind;
    switch (a.type()) {
      case S_IFDIR -> kind = IndexTable.DIRECTORY;
      case S_IFLNK -> kind = IndexTable.SYMLINK;
      case S_IFREG -> kind = (a.mode() & 0100) != 0 ? IndexTable.EXECUTABLE : IndexTable.FILE;
      default -> {
        warn.accept(Indexer.display(rel) + ": skipped (socket, device or fifo)");
        return false;
      }
    }
    int o = old.find(rel);
    boolean same =
        o >= 0
            && old.kind(o) == kind
            && old.dev[o] == a.dev()
            && old.ino[o] == a.ino()
            && old.size[o] == (kind == IndexTable.DIRECTORY || kind == IndexTable.SYMLINK ? 0 : a.size())
            && old.mtime[o] == a.mtime()
            && old.ctime[o] == a.ctime()
            && !(kind == IndexTable.DIRECTORY && old.legacyTrees);
    int k = n.count;
    n.add(name, a);
    n.oldIndex[k] = o;
    switch (kind) {
      case IndexTable.DIRECTORY -> {
        // the caller decides whether and how to descend
      }
      case IndexTable.SYMLINK -> {
        // A link's target cannot change in place: a new one is a new inode and ctime, so an
        // unchanged stat means an unchanged target (no readlink(2) per link on a re-index).
        byte[] known = same ? old.linkTargets.get(o) : null;
        byte[] target = known != null ? known : Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8);
        n.extra[k] = target;
        same = same && Arrays.equals(old.linkTargets.get(o), target);
        if (!same) {
          warnIfMirrorsSkip(rel, target);
        }
      }
      default -> {
        if (!same || old.racy(o)) {
          same = false;
          FileHasher.Stat before = new FileHasher.Stat(a.dev(), a.ino(), a.size(), a.mtime(), a.ctime());
          n.job[k] = hashHere ? hasher.hashHere(p, rel, before, n.stat, 5 * k) : hasher.schedule(p, rel, before, n.stat, 5 * k);
        }
      }
    }
    n.same[k] = same;
    return true;
  }

  /** Recorded as is, but mirrors will not create it (tck/SPEC.md §10.4): tell the publisher once, when it appears. */
  private void warnIfMirrorsSkip(byte[] rel, byte[] target) {
    try {
      SafePaths.checkSymlinkTarget(Indexer.display(rel), target);
    } catch (UnsafePathException e) {
      warn.accept(e.getMessage() + "; mirrors refuse it unless they sync with --safe-links");
    }
  }
}
