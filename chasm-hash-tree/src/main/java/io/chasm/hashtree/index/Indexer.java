package io.chasm.hashtree.index;

import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.UnsafePathException;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.SafePaths;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One index run: walk and stat the tree, hash new or changed files on all cores while the walk
 * goes on, then build trees bottom-up. Subtrees whose every entry is unchanged since the previous
 * run keep their tree id without being re-encoded.
 */
final class Indexer {
  private static final Logger LOG = LoggerFactory.getLogger(Indexer.class);
  private static final int S_IFMT = Lstat.S_IFMT;
  private static final int S_IFREG = Lstat.S_IFREG;
  private static final int S_IFDIR = Lstat.S_IFDIR;
  private static final int S_IFLNK = Lstat.S_IFLNK;
  private static final int HASH_ATTEMPTS = 3;
  /** Files modified this close to their hashing may change again within one timestamp tick. */
  static final long RACY_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);
  /**
   * Files handed to the hashing pool and not yet hashed, at most. The walk is much faster than
   * hashing: unbounded, every file's queued task (path, stat, closure: about half a kilobyte)
   * lived long enough to be promoted, and a cold index's resident memory grew with the tree.
   */
  static final int MAX_QUEUED = 512;

  private final Path root;
  /** Path of the state directory relative to the root, when it lies inside the tree. */
  private final byte[] excludeRel;
  private final ChunkingParams params;
  private final ObjectStore sink;
  private final IndexProgress progress;
  private final ExecutorService pool;
  private final ThreadLocal<Chunker> chunkers;
  private final long racyAfter;
  private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
  private final int threads;
  private final Semaphore queued = new Semaphore(MAX_QUEUED);

  private IndexTable old;
  private IndexTable t;
  // Per new entry, valid during a run: old index or -1; subtree end for directories; job.
  private int[] oldIndexOf = new int[1024];
  private int[] subtreeEnd = new int[1024];
  private boolean[] exact = new boolean[1024];
  private final List<Future<Hashed>> jobs = new ArrayList<>();
  private final List<Integer> jobEntries = new ArrayList<>();

  Indexer(Path root, Path exclude, ChunkingParams params, ObjectStore sink, IndexProgress progress, int threads) {
    this.root = root;
    Path r = root.toAbsolutePath().normalize();
    Path x = exclude == null ? null : exclude.toAbsolutePath().normalize();
    this.excludeRel =
        x != null && x.startsWith(r) && !x.equals(r)
            ? r.relativize(x).toString().getBytes(StandardCharsets.UTF_8)
            : null;
    this.params = params;
    this.threads = threads;
    this.sink = sink;
    this.progress = progress;
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread th = new Thread(task, "chasm-index-hash");
              th.setDaemon(true);
              return th;
            });
    this.chunkers = ThreadLocal.withInitial(() -> new Chunker(params));
    this.racyAfter = nowNanos() - RACY_WINDOW_NANOS;
  }

  record Outcome(IndexTable table, ObjectId root, boolean changed, long rehashedFiles, long rehashedBytes, List<String> warnings) {}

  /** Runs against the previous table {@code previous} (empty for a cold run) whose root was {@code previousRoot}. */
  Outcome run(IndexTable previous, ObjectId previousRoot) throws IOException {
    this.old = previous;
    this.t = new IndexTable();
    try {
      long t0 = System.nanoTime();
      walk();
      progress.walkDone = true;
      long t1 = System.nanoTime();
      Hashed[] hashed = collect();
      fillChunks(hashed);
      long t2 = System.nanoTime();
      long rehashedBytes = 0;
      for (Hashed h : hashed) {
        rehashedBytes += h.size;
      }
      boolean changed = hashed.length > 0 || t.count != old.count || !allExact();
      ObjectId rootId = changed || previousRoot == null ? buildTree(0, t.count, 0) : previousRoot;
      t.trim();
      LOG.debug("walk {} ms, hashing tail {} ms, trees {} ms ({} entries, {} hashed)",
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000, t.count, hashed.length);
      return new Outcome(t, rootId, changed, hashed.length, rehashedBytes, warnings);
    } catch (VerificationException | LimitExceededException e) {
      throw new IOException("cannot build tree: " + e.getMessage(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  private boolean allExact() {
    for (int i = 0; i < t.count; i++) {
      if (!exact[i] || oldIndexOf[i] != i) {
        return false;
      }
    }
    return true;
  }

  // ---- walk ----

  /**
   * What the walk found in one directory, children sorted by name bytes. Directories are scanned
   * in parallel (one fork per subdirectory); new or changed files are handed to the hashing pool
   * as soon as they are seen. {@link #assemble} then lays everything out in depth-first order.
   */
  private static final class Node {
    final byte[][] names;
    final Lstat[] stats;
    final Object[] extra; // Node (directory), byte[] (symlink target), Future<Hashed> (file to hash)
    final int[] oldIndex;
    final boolean[] same;

    Node(int n) {
      names = new byte[n][];
      stats = new Lstat[n];
      extra = new Object[n];
      oldIndex = new int[n];
      same = new boolean[n];
    }
  }

  private record Listed(byte[] name, Path path) {}

  private final class Scan extends RecursiveTask<Node> {
    private final Path dir;
    private final byte[] prefix;

    Scan(Path dir, byte[] prefix) {
      this.dir = dir;
      this.prefix = prefix;
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
        throw new IOException(display(prefix) + ": permission denied listing directory", e);
      }
      listed.sort((x, y) -> Arrays.compareUnsigned(x.name(), y.name()));
      Node n = new Node(listed.size());
      List<Scan> forks = new ArrayList<>();
      int k = 0;
      for (Listed entry : listed) {
        byte[] name = entry.name();
        byte[] rel = concat(prefix, name);
        if (excludeRel != null && Arrays.equals(rel, excludeRel)) {
          continue;
        }
        Path p = entry.path();
        Lstat a;
        try {
          a = Lstat.of(p);
        } catch (NoSuchFileException e) {
          // A name the platform charset cannot round-trip cannot be opened by name either.
          boolean undecodable = new String(name, StandardCharsets.UTF_8).indexOf('\uFFFD') >= 0;
          warn(display(rel) + (undecodable
              ? ": name is not valid in the platform charset (run with a UTF-8 locale); not indexed"
              : ": vanished during the walk; not indexed"));
          continue;
        }
        progress.entriesSeen.incrementAndGet();
        byte kind;
        switch (a.type()) {
          case S_IFDIR -> kind = IndexTable.DIRECTORY;
          case S_IFLNK -> kind = IndexTable.SYMLINK;
          case S_IFREG -> kind = (a.mode() & 0100) != 0 ? IndexTable.EXECUTABLE : IndexTable.FILE;
          default -> {
            warn(display(rel) + ": skipped (socket, device or fifo)");
            continue;
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
                && old.ctime[o] == a.ctime();
        n.names[k] = name;
        n.stats[k] = a;
        n.oldIndex[k] = o;
        switch (kind) {
          case IndexTable.DIRECTORY -> {
            Scan sub = new Scan(p, concat(rel, new byte[] {'/'}));
            sub.fork();
            forks.add(sub);
            n.extra[k] = sub;
          }
          case IndexTable.SYMLINK -> {
            byte[] target = Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8);
            n.extra[k] = target;
            same = same && Arrays.equals(old.linkTargets.get(o), target);
            if (!same) {
              warnIfMirrorsSkip(rel, target);
            }
          }
          default -> {
            if (!same || old.racy(o)) {
              same = false;
              n.extra[k] = schedule(p, rel, new Stat(a.dev(), a.ino(), a.size(), a.mtime(), a.ctime()));
            }
          }
        }
        n.same[k] = same;
        k++;
      }
      for (int i = 0; i < k; i++) {
        if (n.extra[i] instanceof Scan sub) {
          n.extra[i] = sub.join();
        }
      }
      return k == listed.size() ? n : trimmed(n, k);
    }
  }

  private static Node trimmed(Node n, int k) {
    Node m = new Node(k);
    System.arraycopy(n.names, 0, m.names, 0, k);
    System.arraycopy(n.stats, 0, m.stats, 0, k);
    System.arraycopy(n.extra, 0, m.extra, 0, k);
    System.arraycopy(n.oldIndex, 0, m.oldIndex, 0, k);
    System.arraycopy(n.same, 0, m.same, 0, k);
    return m;
  }

  private void walk() throws IOException {
    ForkJoinPool walkers = new ForkJoinPool(threads);
    Node top;
    try {
      top = walkers.invoke(new Scan(root, new byte[0]));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      walkers.shutdownNow();
    }
    long[] sized = new long[2];
    measure(top, 0, sized);
    int n = (int) sized[0];
    t = new IndexTable(n, (int) Math.min(sized[1], Integer.MAX_VALUE - 16));
    oldIndexOf = new int[Math.max(n, 1)];
    subtreeEnd = new int[Math.max(n, 1)];
    exact = new boolean[Math.max(n, 1)];
    assemble(top, new byte[0]);
  }

  /** Adds the entry count and path bytes under {@code n} to {@code out[0]} and {@code out[1]}. */
  private static void measure(Node n, long prefixLength, long[] out) {
    out[0] += n.names.length;
    for (int k = 0; k < n.names.length; k++) {
      long len = prefixLength + n.names[k].length;
      out[1] += len;
      if (n.extra[k] instanceof Node sub) {
        measure(sub, len + 1, out);
      }
    }
  }

  /** Appends a scanned directory's entries to the table in depth-first order. */
  @SuppressWarnings("unchecked")
  private void assemble(Node n, byte[] prefix) {
    for (int k = 0; k < n.names.length; k++) {
      Lstat a = n.stats[k];
      byte kind =
          switch (a.type()) {
            case S_IFDIR -> IndexTable.DIRECTORY;
            case S_IFLNK -> IndexTable.SYMLINK;
            default -> (a.mode() & 0100) != 0 ? IndexTable.EXECUTABLE : IndexTable.FILE;
          };
      boolean file = kind == IndexTable.FILE || kind == IndexTable.EXECUTABLE;
      byte[] rel = concat(prefix, n.names[k]);
      int i = t.add(rel, kind, a.dev(), a.ino(), file ? a.size() : 0, a.mtime(), a.ctime());
      if (i == oldIndexOf.length) {
        oldIndexOf = Arrays.copyOf(oldIndexOf, i * 2);
        subtreeEnd = Arrays.copyOf(subtreeEnd, i * 2);
        exact = Arrays.copyOf(exact, i * 2);
      }
      int o = n.oldIndex[k];
      oldIndexOf[i] = o;
      exact[i] = n.same[k];
      subtreeEnd[i] = i + 1;
      // Content writes always move mtime; ctime also moves on chmod or touch, no reason to rehash.
      if (file && a.mtime() >= racyAfter) {
        t.kinds[i] |= IndexTable.RACY;
      }
      switch (kind) {
        case IndexTable.DIRECTORY -> {
          if (exact[i]) {
            // Kept if the subtree turns out unchanged; buildTree overwrites it otherwise.
            t.setId(i, old.ids, o * IndexTable.ID_LENGTH);
          }
          assemble((Node) n.extra[k], concat(rel, new byte[] {'/'}));
          subtreeEnd[i] = t.count;
        }
        case IndexTable.SYMLINK -> t.linkTargets.put(i, (byte[]) n.extra[k]);
        default -> {
          if (n.extra[k] instanceof Future<?> job) {
            jobs.add((Future<Hashed>) job);
            jobEntries.add(i);
          } else {
            t.setId(i, old.ids, o * IndexTable.ID_LENGTH);
          }
        }
      }
    }
  }

  // ---- hashing ----

  private record Stat(long dev, long ino, long size, long mtime, long ctime) {}

  /** Test seam: runs after a file's bytes were read and before its second stat. */
  @FunctionalInterface
  interface PathHook {
    void accept(Path p) throws IOException;
  }

  static volatile PathHook afterReadForTest;

  private static final class Hashed {
    int entry;
    byte[] fileId;
    byte[] chunkIds;
    int[] lengths;
    long size;
    Stat stat;
  }

  private Future<Hashed> schedule(Path p, byte[] rel, Stat before) {
    progress.filesToHash.incrementAndGet();
    progress.bytesToHash.addAndGet(before.size());
    queued.acquireUninterruptibly();
    return pool.submit(() -> {
      try {
        return hash(p, rel, before);
      } finally {
        queued.release();
      }
    });
  }

  private Hashed hash(Path p, byte[] rel, Stat before) throws IOException {
    Chunker chunker = chunkers.get();
    Stat expected = before;
    for (int attempt = 1; attempt <= HASH_ATTEMPTS; attempt++) {
      List<Chunk> chunks = new ArrayList<>();
      long n;
      try {
        // Reading no further than the size seen saves a read(2) per file at end of file; a file
        // that grew meanwhile has a new stat, so the check below still catches it.
        n = chunker.chunk(p, expected.size(), (c, b, o) -> chunks.add(c));
      } catch (AccessDeniedException e) {
        throw new IOException(display(rel) + ": permission denied reading file", e);
      } catch (NoSuchFileException e) {
        throw new IOException(display(rel) + ": vanished while being indexed; run again", e);
      }
      PathHook hook = afterReadForTest;
      if (hook != null) {
        hook.accept(p);
      }
      Stat after = stat(p, rel);
      if (after.equals(expected) && n == after.size()) {
        Hashed h = new Hashed();
        h.size = n;
        h.stat = after;
        h.chunkIds = new byte[chunks.size() * IndexTable.ID_LENGTH];
        h.lengths = new int[chunks.size()];
        for (int k = 0; k < chunks.size(); k++) {
          chunks.get(k).id().copyTo(h.chunkIds, k * IndexTable.ID_LENGTH);
          h.lengths[k] = chunks.get(k).length();
        }
        FileManifest m = chunks.isEmpty() ? FileManifest.empty() : FileManifest.of(chunks);
        sink.put(m);
        h.fileId = m.id().hash().bytes();
        progress.filesHashed.incrementAndGet();
        progress.bytesHashed.addAndGet(n);
        return h;
      }
      LOG.debug("{} changed while being hashed (attempt {})", display(rel), attempt);
      expected = after;
    }
    throw new IOException(display(rel) + ": kept changing while being hashed (" + HASH_ATTEMPTS + " attempts); run again when it is quiet");
  }

  private static Stat stat(Path p, byte[] rel) throws IOException {
    try {
      Lstat a = Lstat.of(p);
      if (a.type() != S_IFREG) {
        throw new IOException(display(rel) + ": replaced by a non-file while being indexed; run again");
      }
      return new Stat(a.dev(), a.ino(), a.size(), a.mtime(), a.ctime());
    } catch (NoSuchFileException e) {
      throw new IOException(display(rel) + ": vanished while being indexed; run again", e);
    }
  }

  private Hashed[] collect() throws IOException {
    Hashed[] out = new Hashed[jobs.size()];
    for (int k = 0; k < jobs.size(); k++) {
      try {
        out[k] = jobs.get(k).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while indexing", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        if (c instanceof UncheckedIOException u) {
          throw u.getCause();
        }
        throw new IOException("hashing failed: " + c, c);
      }
      Hashed h = out[k];
      int i = jobEntries.get(k);
      h.entry = i;
      // The stat after hashing is what the bytes correspond to.
      t.size[i] = h.stat.size();
      t.mtime[i] = h.stat.mtime();
      t.ctime[i] = h.stat.ctime();
      t.dev[i] = h.stat.dev();
      t.ino[i] = h.stat.ino();
      t.setId(i, h.fileId, 0);
    }
    return out;
  }

  /** Lays out every file's chunks in entry order: copied from the old table or from this run. */
  private void fillChunks(Hashed[] hashed) {
    Hashed[] byEntry = new Hashed[t.count];
    for (Hashed h : hashed) {
      byEntry[h.entry] = h;
    }
    int total = 0;
    for (int i = 0; i < t.count; i++) {
      byte k = t.kind(i);
      if (k == IndexTable.FILE || k == IndexTable.EXECUTABLE) {
        total += byEntry[i] != null ? byEntry[i].lengths.length : old.chunks(oldIndexOf[i]);
      }
    }
    t.chunkIds = new byte[Math.max(total, 1) * IndexTable.ID_LENGTH];
    t.chunkLength = new int[Math.max(total, 1)];
    int c = 0;
    for (int i = 0; i < t.count; i++) {
      t.chunkStart[i] = c;
      byte k = t.kind(i);
      if (k != IndexTable.FILE && k != IndexTable.EXECUTABLE) {
        continue;
      }
      Hashed h = byEntry[i];
      if (h != null) {
        System.arraycopy(h.chunkIds, 0, t.chunkIds, c * IndexTable.ID_LENGTH, h.chunkIds.length);
        System.arraycopy(h.lengths, 0, t.chunkLength, c, h.lengths.length);
        c += h.lengths.length;
      } else {
        int o = oldIndexOf[i];
        int from = old.chunkStart[o];
        int n = old.chunks(o);
        System.arraycopy(old.chunkIds, from * IndexTable.ID_LENGTH, t.chunkIds, c * IndexTable.ID_LENGTH, n * IndexTable.ID_LENGTH);
        System.arraycopy(old.chunkLength, from, t.chunkLength, c, n);
        c += n;
      }
    }
    t.chunkStart[t.count] = c;
    t.chunkCount = c;
  }

  // ---- trees ----

  /**
   * Builds the tree of entries [from, to), whose paths all start with {@code prefixLength} bytes
   * of their parent's path and '/'.
   */
  private ObjectId buildTree(int from, int to, int prefixLength)
      throws IOException, VerificationException, LimitExceededException {
    List<TreeEntry> entries = new ArrayList<>(Math.min(to - from, 1024));
    int i = from;
    while (i < to) {
      int ps = t.pathStart[i];
      byte[] name = Arrays.copyOfRange(t.paths, ps + prefixLength, t.pathStart[i + 1]);
      switch (t.kind(i)) {
        case IndexTable.DIRECTORY -> {
          ObjectId sub = reusableSubtree(i);
          if (sub == null) {
            sub = buildTree(i + 1, subtreeEnd[i], t.pathStart[i + 1] - ps + 1);
          }
          sub.hash().copyTo(t.ids, i * IndexTable.ID_LENGTH);
          entries.add(TreeEntry.directory(name, sub));
          i = subtreeEnd[i];
        }
        case IndexTable.SYMLINK -> {
          entries.add(TreeEntry.symlink(name, t.linkTargets.get(i)));
          i++;
        }
        default -> {
          Hash id = Hash.of(HashAlgorithm.SHA_256, Arrays.copyOfRange(t.ids, i * 32, i * 32 + 32));
          entries.add(TreeEntry.file(name, t.size[i], t.kind(i) == IndexTable.EXECUTABLE, ObjectId.file(id)));
          i++;
        }
      }
    }
    Tree tree = Tree.of(entries);
    sink.put(tree);
    return tree.id();
  }

  /**
   * The previous run's tree id for directory {@code i} if its whole subtree is unchanged: every
   * entry matched exactly, consecutively, and the previous run had nothing more in it.
   */
  private ObjectId reusableSubtree(int i) {
    int o = oldIndexOf[i];
    if (o < 0 || !exact[i]) {
      return null;
    }
    int end = subtreeEnd[i];
    for (int k = i + 1; k < end; k++) {
      if (!exact[k] || oldIndexOf[k] != o + (k - i)) {
        return null;
      }
    }
    int oldNext = o + (end - i);
    if (oldNext < old.count) {
      int dl = old.pathStart[o + 1] - old.pathStart[o];
      int ns = old.pathStart[oldNext];
      int nl = old.pathStart[oldNext + 1] - ns;
      if (nl > dl
          && old.paths[ns + dl] == '/'
          && Arrays.equals(old.paths, ns, ns + dl, old.paths, old.pathStart[o], old.pathStart[o + 1])) {
        return null; // the old directory had more entries
      }
    }
    return ObjectId.tree(Hash.of(HashAlgorithm.SHA_256, Arrays.copyOfRange(old.ids, o * 32, o * 32 + 32)));
  }

  // ---- helpers ----

  /** Recorded as is, but mirrors will not create it (tck/SPEC.md §10.4): tell the publisher once, when it appears. */
  private void warnIfMirrorsSkip(byte[] rel, byte[] target) {
    try {
      SafePaths.checkSymlinkTarget(display(rel), target);
    } catch (UnsafePathException e) {
      warn(e.getMessage() + "; mirrors refuse it unless they sync with --safe-links");
    }
  }

  private void warn(String message) {
    LOG.warn(message);
    warnings.add(message);
  }

  private static long nowNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  static String display(byte[] rel) {
    return rel.length == 0 ? "." : new String(rel, StandardCharsets.UTF_8);
  }
}
