package io.chasm.hashtree.index;

import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveTask;

/**
 * The last step of an index run: builds trees bottom-up from the new table. A subtree whose every
 * entry is unchanged since the previous run keeps its tree id without being re-encoded. Large
 * subtrees are built on all cores: this step ran on one thread after the walk, with the other
 * cores idle (issue 17 profile: 0.3 s of a cold index at 54k entries). Ids do not depend on it.
 */
final class TreeBuilder {
  /** Subtrees of fewer entries are built on the thread that reaches them: a task costs more. */
  static final int FORK_MIN = 128;

  private final IndexTable t;
  private final IndexTable old;
  private final int[] oldIndexOf;
  private final int[] subtreeEnd;
  private final boolean[] exact;
  private final int[] modes;
  private final ObjectStore sink;
  private final int threads;
  /** The pool {@link #buildRoot} builds on, or null when one thread builds everything. */
  private ForkJoinPool builders;

  TreeBuilder(IndexTable t, IndexTable old, int[] oldIndexOf, int[] subtreeEnd, boolean[] exact, int[] modes,
      ObjectStore sink) {
    this(t, old, oldIndexOf, subtreeEnd, exact, modes, sink, 1);
  }

  /**
   * @param oldIndexOf per new entry, its index in {@code old} or -1
   * @param subtreeEnd per new directory entry, the index after its subtree
   * @param exact per new entry, whether it matched its old entry exactly
   * @param modes per new entry, its permission bits (0 for symlinks)
   * @param threads how many trees may be built at once ({@code sink} must then be thread-safe)
   */
  TreeBuilder(IndexTable t, IndexTable old, int[] oldIndexOf, int[] subtreeEnd, boolean[] exact, int[] modes,
      ObjectStore sink, int threads) {
    this.t = t;
    this.old = old;
    this.oldIndexOf = oldIndexOf;
    this.subtreeEnd = subtreeEnd;
    this.exact = exact;
    this.modes = modes;
    this.sink = sink;
    this.threads = threads;
  }

  /** Builds every tree and returns the root's id. */
  ObjectId buildRoot() throws IOException, VerificationException, LimitExceededException {
    if (threads <= 1 || t.count < 2 * FORK_MIN) {
      return buildTree(0, t.count, 0);
    }
    builders = new ForkJoinPool(threads);
    try {
      return builders.invoke(new Build(0, t.count, 0));
    } catch (Failed f) {
      Throwable c = f.getCause();
      if (c instanceof IOException e) {
        throw e;
      }
      if (c instanceof VerificationException e) {
        throw e;
      }
      throw (LimitExceededException) c;
    } finally {
      builders.shutdownNow();
      builders = null;
    }
  }

  /** A checked failure of a forked build, unwrapped by {@link #buildRoot}. */
  private static final class Failed extends RuntimeException {
    Failed(Exception cause) {
      super(cause);
    }
  }

  private final class Build extends RecursiveTask<ObjectId> {
    private final int from;
    private final int to;
    private final int prefixLength;

    Build(int from, int to, int prefixLength) {
      this.from = from;
      this.to = to;
      this.prefixLength = prefixLength;
    }

    @Override
    protected ObjectId compute() {
      try {
        return buildTree(from, to, prefixLength);
      } catch (IOException | VerificationException | LimitExceededException e) {
        throw new Failed(e);
      }
    }
  }

  /** The subtree of directory {@code i}, forked when large, to be rebuilt, and running on the builders' pool. */
  private ForkJoinTask<ObjectId> forkIfLarge(int i) {
    if (builders == null || subtreeEnd[i] - i < FORK_MIN || ForkJoinTask.getPool() != builders
        || reusableSubtree(i) != null) {
      return null;
    }
    return new Build(i + 1, subtreeEnd[i], t.pathStart[i + 1] - t.pathStart[i] + 1).fork();
  }

  /**
   * Builds the tree of entries [from, to), whose paths all start with {@code prefixLength} bytes
   * of their parent's path and '/'.
   */
  private ObjectId buildTree(int from, int to, int prefixLength)
      throws IOException, VerificationException, LimitExceededException {
    List<TreeEntry> entries = new ArrayList<>(Math.min(to - from, 1024));
    // Large subdirectories first, so other builders take them while this one does the rest;
    // the walk below meets them in the same order.
    List<ForkJoinTask<ObjectId>> forked = new ArrayList<>(0);
    int[] forkedAt = new int[4];
    for (int d = from; d < to; d = t.kind(d) == IndexTable.DIRECTORY ? subtreeEnd[d] : d + 1) {
      ForkJoinTask<ObjectId> f = t.kind(d) == IndexTable.DIRECTORY ? forkIfLarge(d) : null;
      if (f != null) {
        if (forked.size() == forkedAt.length) {
          forkedAt = Arrays.copyOf(forkedAt, 2 * forkedAt.length);
        }
        forkedAt[forked.size()] = d;
        forked.add(f);
      }
    }
    int nextFork = 0;
    int i = from;
    while (i < to) {
      int ps = t.pathStart[i];
      byte[] name = Arrays.copyOfRange(t.paths, ps + prefixLength, t.pathStart[i + 1]);
      switch (t.kind(i)) {
        case IndexTable.DIRECTORY -> {
          ObjectId sub;
          if (nextFork < forked.size() && forkedAt[nextFork] == i) {
            sub = forked.get(nextFork++).join();
          } else if ((sub = reusableSubtree(i)) == null) {
            sub = buildTree(i + 1, subtreeEnd[i], t.pathStart[i + 1] - ps + 1);
          }
          sub.hash().copyTo(t.ids, i * IndexTable.ID_LENGTH);
          entries.add(withMetadata(TreeEntry.directory(name, sub), i));
          i = subtreeEnd[i];
        }
        case IndexTable.SYMLINK -> {
          entries.add(withMetadata(TreeEntry.symlink(name, t.linkTargets.get(i)), i));
          i++;
        }
        default -> {
          Hash id = Hash.of(HashAlgorithm.SHA_256, Arrays.copyOfRange(t.ids, i * 32, i * 32 + 32));
          entries.add(withMetadata(TreeEntry.file(name, t.size[i], false, ObjectId.file(id)), i));
          i++;
        }
      }
    }
    Tree tree = Tree.of(entries);
    sink.put(tree);
    return tree.id();
  }

  /**
   * The entry with entry {@code i}'s mtime (the stat its content was read under) and mode. A
   * link's time is kept to the microsecond, all lutimes(3) can restore on a mirror (SPEC §4.4):
   * recording more would make every mirror differ from its snapshot.
   */
  private TreeEntry withMetadata(TreeEntry e, int i) {
    return withStat(e, t.mtime[i], modes[i]);
  }

  /** {@code e} with an lstat's mtime (nanoseconds; a link's cut to microseconds) and mode bits. */
  static TreeEntry withStat(TreeEntry e, long mtimeNanos, int mode) {
    long ns = mtimeNanos;
    if (e.kind() == io.chasm.hashtree.tree.EntryKind.SYMLINK) {
      ns -= Math.floorMod(ns, 1000L);
    }
    return e.withMetadata(Math.floorDiv(ns, 1_000_000_000L), (int) Math.floorMod(ns, 1_000_000_000L),
        e.kind() == io.chasm.hashtree.tree.EntryKind.SYMLINK ? 0 : mode & TreeEntry.MODE_MASK);
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
}
