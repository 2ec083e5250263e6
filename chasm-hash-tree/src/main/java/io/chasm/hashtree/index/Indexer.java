package io.chasm.hashtree.index;

import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One index run: walk and stat the tree ({@link TreeWalk}), hash new or changed files on all
 * cores while the walk goes on ({@link FileHasher}), lay the entries out in a new table, then
 * build trees bottom-up ({@link TreeBuilder}).
 */
final class Indexer {
  private static final Logger LOG = LoggerFactory.getLogger(Indexer.class);
  private static final int S_IFDIR = Lstat.S_IFDIR;
  private static final int S_IFLNK = Lstat.S_IFLNK;
  /** Files modified this close to their hashing may change again within one timestamp tick. */
  static final long RACY_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final Path root;
  /** Path of the state directory relative to the root, when it lies inside the tree. */
  private final byte[] excludeRel;
  private final ObjectStore sink;
  private final IndexProgress progress;
  private final FileHasher hasher;
  private final long racyAfter;
  private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
  private final int threads;

  private IndexTable old;
  private ObjectId oldRoot;
  /** Journalled changes to walk instead of the whole tree, or null. */
  private DirtyJournal.Pending dirty;
  private String walkKind = "full";
  private IndexTable t;
  // Per new entry, valid during a run: old index or -1; subtree end for directories; job.
  private int[] oldIndexOf = new int[1024];
  private int[] subtreeEnd = new int[1024];
  private boolean[] exact = new boolean[1024];
  /** Per new entry, its permission bits as the walk saw them (tree version 2 records them). */
  private int[] modes = new int[1024];
  /** Per new entry, the hashing job of a new or changed file, or {@link TreeWalk.Node#NO_JOB}. */
  private int[] jobOf = new int[1024];

  Indexer(Path root, Path exclude, ChunkingParams params, ObjectStore sink, IndexProgress progress, int threads) {
    this(root, exclude, params, sink, progress, threads, FileHasher.ContentReader.DISK);
  }

  /** An indexer whose file content comes through {@code reader}. */
  Indexer(Path root, Path exclude, ChunkingParams params, ObjectStore sink, IndexProgress progress, int threads,
      FileHasher.ContentReader reader) {
    this.root = root;
    Path r = root.toAbsolutePath().normalize();
    Path x = exclude == null ? null : exclude.toAbsolutePath().normalize();
    this.excludeRel =
        x != null && x.startsWith(r) && !x.equals(r)
            ? r.relativize(x).toString().getBytes(StandardCharsets.UTF_8)
            : null;
    this.threads = threads;
    this.sink = sink;
    this.progress = progress;
    this.hasher = new FileHasher(params, sink, progress, threads, reader);
    this.racyAfter = nowNanos() - RACY_WINDOW_NANOS;
  }

  /** Walks only the paths in {@code p} (an incremental {@link DirtyJournal.Pending}) on top of the previous table. */
  Indexer onlyDirty(DirtyJournal.Pending p) {
    this.dirty = p;
    return this;
  }

  /** How the last run walked: "full", or "journal: N paths" (what a log or a test wants to know). */
  String walkKind() {
    return walkKind;
  }

  record Outcome(IndexTable table, ObjectId root, boolean changed, long rehashedFiles, long rehashedBytes, List<String> warnings) {}

  /** Runs against the previous table {@code previous} (empty for a cold run) whose root was {@code previousRoot}. */
  Outcome run(IndexTable previous, ObjectId previousRoot) throws IOException {
    this.old = previous;
    this.oldRoot = previousRoot;
    this.t = new IndexTable();
    try {
      long t0 = System.nanoTime();
      long[] hashedJobsAndBytes = walkAndLayOut(previousRoot != null);
      if (hashedJobsAndBytes == null) {
        LOG.debug("walk {} ms: nothing changed ({} entries)", (System.nanoTime() - t0) / 1_000_000, old.count);
        return new Outcome(old, previousRoot, false, 0, 0, warnings);
      }
      int jobs = (int) hashedJobsAndBytes[0];
      long rehashedBytes = hashedJobsAndBytes[1];
      long t1 = System.nanoTime();
      boolean changed = jobs > 0 || t.count != old.count || !allExact() || old.legacyTrees;
      ObjectId rootId = changed || previousRoot == null
          ? new TreeBuilder(t, old, oldIndexOf, subtreeEnd, exact, modes, sink, threads).buildRoot()
          : previousRoot;
      t.trim();
      LOG.debug("walk and hashing {} ms, trees {} ms ({} entries, {} hashed)",
          (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000, t.count, jobs);
      return new Outcome(t, rootId, changed, jobs, rehashedBytes, warnings);
    } catch (VerificationException | LimitExceededException e) {
      throw new IOException("cannot build tree: " + e.getMessage(), e);
    } finally {
      hasher.close();
    }
  }

  /**
   * Whether node {@code n}'s subtree, laid out from entry {@code i}, matches the previous table
   * entry by entry in place: returns the next entry's index, or -1.
   */
  private int unchanged(TreeWalk.Node n, int i) {
    for (int k = 0; k < n.count; k++) {
      if (!n.same[k] || n.oldIndex[k] != i) {
        return -1;
      }
      int type = n.type(k);
      // A file stamped too recently for its stat to be trusted next time gets flagged in a new table.
      if (type != S_IFDIR && type != S_IFLNK && n.mtime(k) >= racyAfter) {
        return -1;
      }
      i++;
      if (n.extra[k] instanceof TreeWalk.Node sub) {
        i = unchanged(sub, i);
        if (i < 0) {
          return -1;
        }
      }
    }
    return i;
  }

  private boolean allExact() {
    for (int i = 0; i < t.count; i++) {
      if (!exact[i] || oldIndexOf[i] != i) {
        return false;
      }
    }
    return true;
  }

  /**
   * Walks the tree, waits for the hashing, and lays everything out in the new table. Returns the
   * number of files hashed and their bytes. The walk's columns and the hashing results die when
   * this returns (their own method, so no interpreted frame keeps them alive through the tree
   * build: they are most of the run's peak memory). Returns null when every entry matched the
   * previous table in place (and {@code reusable}): that table is the result, and no second copy
   * of it is built, which halves a no-change re-index's memory.
   */
  private long[] walkAndLayOut(boolean reusable) throws IOException {
    TreeWalk walk = new TreeWalk(root, excludeRel, old, progress, hasher, this::warn);
    TreeWalk.Node top = null;
    if (dirty != null && oldRoot != null && old.count > 0 && !old.legacyTrees) {
      try {
        DirtyWalk d = new DirtyWalk(root, walk, old, sink, oldRoot, dirty);
        top = d.walk();
        walkKind = "journal: " + d.dirtyPaths().size() + " paths";
      } catch (DirtyWalk.Fallback e) {
        // Files it already scheduled are hashed for nothing; the full walk schedules its own.
        LOG.warn("{}; walking the whole tree", e.getMessage());
      }
    }
    if (top == null) {
      top = walk.walk(threads);
    }
    progress.walkDone = true;
    HashResults hashed = hasher.finish();
    if (reusable && hashed.jobs() == 0 && !old.legacyTrees && old.count > 0 && unchanged(top, 0) == old.count) {
      return null;
    }
    long[] sized = new long[2];
    TreeWalk.measure(top, 0, sized);
    int n = (int) sized[0];
    t = new IndexTable(n, (int) Math.min(sized[1], Integer.MAX_VALUE - 16));
    oldIndexOf = new int[Math.max(n, 1)];
    subtreeEnd = new int[Math.max(n, 1)];
    exact = new boolean[Math.max(n, 1)];
    modes = new int[Math.max(n, 1)];
    jobOf = new int[Math.max(n, 1)];
    assemble(top, new byte[0], hashed);
    top = null;
    long bytes = 0;
    for (int i = 0; i < t.count; i++) {
      if (jobOf[i] != TreeWalk.Node.NO_JOB) {
        bytes += t.size[i];
      }
    }
    fillChunks(hashed);
    return new long[] {hashed.jobs(), bytes};
  }

  /** Appends a scanned directory's entries to the table in depth-first order. */
  private void assemble(TreeWalk.Node n, byte[] prefix, HashResults hashed) {
    for (int k = 0; k < n.count; k++) {
      int type = n.type(k);
      byte kind =
          switch (type) {
            case S_IFDIR -> IndexTable.DIRECTORY;
            case S_IFLNK -> IndexTable.SYMLINK;
            default -> (n.mode[k] & 0100) != 0 ? IndexTable.EXECUTABLE : IndexTable.FILE;
          };
      boolean file = kind == IndexTable.FILE || kind == IndexTable.EXECUTABLE;
      int i = t.add(prefix, n.names, n.nameStart[k], n.nameLength(k), kind, n.dev(k), n.ino(k), file ? n.size(k) : 0,
          n.mtime(k), n.ctime(k));
      modes[i] = type == S_IFLNK ? 0 : n.mode[k] & TreeEntry.MODE_MASK;
      int o = n.oldIndex[k];
      oldIndexOf[i] = o;
      exact[i] = n.same[k];
      subtreeEnd[i] = i + 1;
      jobOf[i] = n.job[k];
      // Content writes always move mtime; ctime also moves on chmod or touch, no reason to rehash.
      if (file && n.mtime(k) >= racyAfter) {
        t.kinds[i] |= IndexTable.RACY;
      }
      switch (kind) {
        case IndexTable.DIRECTORY -> {
          if (exact[i]) {
            // Kept if the subtree turns out unchanged; the tree builder overwrites it otherwise.
            t.setId(i, old.ids, o * IndexTable.ID_LENGTH);
          }
          assemble((TreeWalk.Node) n.extra[k], t.pathWithSlash(i), hashed);
          // Done with: collectable while the rest is laid out.
          n.extra[k] = null;
          subtreeEnd[i] = t.count;
        }
        case IndexTable.SYMLINK -> t.linkTargets.put(i, (byte[]) n.extra[k]);
        default -> {
          if (n.job[k] == TreeWalk.Node.NO_JOB) {
            t.setId(i, old.ids, o * IndexTable.ID_LENGTH);
          } else {
            // The node holds the stat taken after hashing: what the bytes correspond to.
            hashed.copyFileId(n.job[k], t, i);
          }
        }
      }
    }
  }

  /** Lays out every file's chunks in entry order: copied from the old table or from this run. */
  private void fillChunks(HashResults hashed) {
    int total = 0;
    for (int i = 0; i < t.count; i++) {
      byte k = t.kind(i);
      if (k == IndexTable.FILE || k == IndexTable.EXECUTABLE) {
        total += jobOf[i] != TreeWalk.Node.NO_JOB ? hashed.chunkCount(jobOf[i]) : old.chunks(oldIndexOf[i]);
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
      int j = jobOf[i];
      if (j != TreeWalk.Node.NO_JOB) {
        hashed.copyChunks(j, t, c);
        c += hashed.chunkCount(j);
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
