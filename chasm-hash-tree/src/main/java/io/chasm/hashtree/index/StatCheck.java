package io.chasm.hashtree.index;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.store.MissingObjectException;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The cheap damage check of a synced tree (tck/SPEC.md §6.5a): which paths of a snapshot no
 * longer look as the stat index written after the last sync recorded them. One lstat per entry
 * and no read of content, as a no-change {@code chasm index}: a path is damaged when it is
 * missing, of another kind (a file that lost or gained its execute bit included), or a file or
 * symlink whose device, inode, size, mtime or ctime changed (ctime moves on chmod, chown and
 * touch). Where the index's ids do not vouch for the snapshot's (a stale index, or one a
 * {@code chasm index} rebuilt from a damaged tree), the snapshot's trees are walked instead and
 * every file the index does not record with the snapshot's id counts as damaged.
 *
 * <p>Content changed behind an unchanged stat (same size, mtime put back, on a file system whose
 * ctime can be set) is not seen: {@link ContentCheck} rehashes for that. Symlinks that mirrors
 * never create (target absolute or leaving the tree) are never damaged. The caller must hold the
 * state directory's lock.
 */
public final class StatCheck {
  private final Path root;
  private final ObjectStore objects;
  private final IndexTable t;
  private final List<String> damaged = new ArrayList<>();

  private StatCheck(Path root, ObjectStore objects, IndexTable t) {
    this.root = root;
    this.objects = objects;
    this.t = t;
  }

  /**
   * The outcome.
   *
   * @param indexed false if there was no usable stat index (none written yet, damaged, other
   *     chunking): nothing could be checked and {@code damaged} is empty
   * @param damaged paths (relative, {@code a/b}) of the snapshot that need to be written again,
   *     depth first; a damaged directory's damaged files are listed after it
   */
  public record Result(boolean indexed, List<String> damaged) {
    public Result {
      damaged = List.copyOf(damaged);
    }
  }

  /**
   * Checks {@code root} against the snapshot tree {@code rootTree}.
   *
   * @param stateDir the state directory holding {@code index}
   * @param objects holds every tree of {@code rootTree}
   * @throws MissingObjectException if a tree the walk needs is not in {@code objects}
   * @throws IOException if the index cannot be read
   */
  public static Result check(Path root, Path stateDir, ObjectStore objects, ObjectId rootTree, ChunkingParams params)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    Path file = stateDir.resolve("index");
    if (!Files.exists(file)) {
      return new Result(false, List.of());
    }
    IndexFile.Loaded l;
    try {
      l = IndexFile.read(file);
    } catch (CorruptObjectException e) {
      return new Result(false, List.of());
    }
    if (!l.params().equals(params)) {
      return new Result(false, List.of());
    }
    StatCheck c = new StatCheck(root, objects, l.table());
    if (l.root().equals(rootTree)) {
      c.entries(0, c.t.count);
    } else {
      c.directory(rootTree, new byte[0]);
    }
    return new Result(true, c.damaged);
  }

  /** A tree the index does not vouch for as a whole: entry by entry against the snapshot. */
  private void directory(ObjectId id, byte[] prefix) throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    for (TreeEntry e : objects.tree(id).entries()) {
      byte[] rel = Indexer.concat(prefix, e.name());
      String path = new String(rel, StandardCharsets.UTF_8);
      int o = t.find(rel);
      switch (e.kind()) {
        case DIRECTORY -> {
          if (o >= 0 && t.kind(o) == IndexTable.DIRECTORY && t.hasId(o, e.id())) {
            entries(o, t.subtreeEnd(o));
          } else {
            Lstat a = lstat(rel);
            if (a == null || a.type() != Lstat.S_IFDIR) {
              damaged.add(path);
            }
            directory(e.id(), Indexer.concat(rel, new byte[] {'/'}));
          }
        }
        case FILE -> {
          byte kind = e.executable() ? IndexTable.EXECUTABLE : IndexTable.FILE;
          if (o < 0 || t.kind(o) != kind || !t.hasId(o, e.id())) {
            damaged.add(path);
          } else {
            entries(o, o + 1);
          }
        }
        case SYMLINK -> {
          if (!SafePaths.isSafeSymlinkTarget(path, e.linkTarget())) {
            continue;
          }
          if (o < 0 || t.kind(o) != IndexTable.SYMLINK || !Arrays.equals(t.linkTargets.get(o), e.linkTarget())) {
            damaged.add(path);
          } else {
            entries(o, o + 1);
          }
        }
      }
    }
  }

  /** Entries {@code [from, to)} of the index, recorded with the snapshot's ids: compared by stat. */
  private void entries(int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      byte[] rel = t.path(i);
      Lstat a = lstat(rel);
      byte kind = t.kind(i);
      if (kind == IndexTable.SYMLINK && !SafePaths.isSafeSymlinkTarget(t.pathString(i), t.linkTargets.get(i))) {
        continue; // an index of the origin's tree may hold one
      }
      if (!matches(kind, i, a)) {
        damaged.add(new String(rel, StandardCharsets.UTF_8));
      }
    }
  }

  private boolean matches(byte kind, int i, Lstat a) {
    if (a == null) {
      return false;
    }
    return switch (kind) {
      // A directory's times move whenever an entry in it is added or removed: only its kind counts.
      case IndexTable.DIRECTORY -> a.type() == Lstat.S_IFDIR;
      case IndexTable.SYMLINK -> a.type() == Lstat.S_IFLNK && sameStat(i, a);
      default -> a.type() == Lstat.S_IFREG && ((a.mode() & 0100) != 0) == (kind == IndexTable.EXECUTABLE)
          && a.size() == t.size[i] && sameStat(i, a);
    };
  }

  private boolean sameStat(int i, Lstat a) {
    return t.dev[i] == a.dev() && t.ino[i] == a.ino() && t.mtime[i] == a.mtime() && t.ctime[i] == a.ctime();
  }

  /** The stat of a path, or null if it is gone or cannot be reached (a parent replaced by a file). */
  private Lstat lstat(byte[] rel) {
    try {
      return Lstat.of(root.resolve(new String(rel, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      return null;
    }
  }
}
