package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.index.SnapshotIndexWriter;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Restores the mtimes and modes a version-2 tree records (tck/SPEC.md §4.4, §4.10). Files this run
 * wrote got theirs on the staged copy, before the rename; after everything is in place this walks
 * the subtrees that changed and sets what is still missing: files whose only change was metadata,
 * symlinks (their own time, to the microsecond: the JDK sets it with lutimes), and directories
 * after everything inside them, deepest first, since publishing into a directory moves its mtime.
 * Entries of a version-1 tree carry no metadata and are left alone.
 */
final class MetadataApplier {
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;

  private final ObjectStore store;
  private final Path root;
  private final Set<String> written;
  private final Map<String, SnapshotIndexWriter.PriorStat> touchedFiles = new HashMap<>();
  private long applied;

  /**
   * @param root the directory the tree was published into
   * @param written paths whose files this run wrote with their metadata already set
   */
  MetadataApplier(ObjectStore store, Path root, Set<String> written) {
    this.store = store;
    this.root = root;
    this.written = written;
  }

  /**
   * Walks tree {@code now} against {@code before} (null: every entry is new) and sets the metadata
   * of every entry that differs. Returns the number of entries whose metadata was set.
   */
  long apply(ObjectId before, ObjectId now) throws ChasmException, IOException {
    walk("", before != null && store.contains(before) ? before : null, now);
    return applied;
  }

  private void walk(String prefix, ObjectId before, ObjectId now) throws ChasmException, IOException {
    if (now.equals(before)) {
      return;
    }
    Tree was = before == null ? null : store.tree(before);
    for (TreeEntry e : store.tree(now).entries()) {
      TreeEntry o = was == null ? null : was.entry(e.name());
      if (e.equals(o)) {
        continue;
      }
      String p = prefix.isEmpty() ? e.nameString() : prefix + "/" + e.nameString();
      if (e.kind() == EntryKind.DIRECTORY) {
        walk(p, o != null && o.kind() == EntryKind.DIRECTORY ? o.id() : null, e.id());
      }
      if (e.hasMetadata() && !(e.kind() == EntryKind.FILE && written.contains(p))) {
        set(p, SafePaths.resolve(root, p), e);
      }
    }
  }

  /**
   * Sets the metadata of the directories above {@code paths} again, deepest first: a repair writes
   * paths whose directories' entries did not change, so {@link #apply} does not visit them, yet
   * writing into a directory moves its mtime. Returns the number of entries whose metadata was set.
   */
  long applyParents(java.util.Collection<String> paths, ObjectId rootTree) throws ChasmException, IOException {
    java.util.TreeSet<String> dirs = new java.util.TreeSet<>(
        java.util.Comparator.comparingLong((String d) -> -d.chars().filter(c -> c == '/').count())
            .thenComparing(java.util.Comparator.naturalOrder()));
    for (String p : paths) {
      for (int i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
        dirs.add(p.substring(0, i));
      }
    }
    long before = applied;
    for (String d : dirs) {
      TreeEntry e = store.entryAt(rootTree, d).orElse(null);
      if (e != null && e.kind() == EntryKind.DIRECTORY && e.hasMetadata()) {
        set(d, SafePaths.resolve(root, d), e);
      }
    }
    return applied - before;
  }

  /** Files whose mtime or mode was set in place, with their stat from before (for the stat index). */
  Map<String, SnapshotIndexWriter.PriorStat> touchedFiles() {
    return touchedFiles;
  }

  private void set(String rel, Path p, TreeEntry e) throws IOException {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(p, "unix:mode,lastModifiedTime,dev,ino,size,ctime", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return; // a symlink the policy did not create
    }
    int mode = (Integer) a.get("mode");
    int type = switch (e.kind()) {
      case FILE -> S_IFREG;
      case DIRECTORY -> S_IFDIR;
      case SYMLINK -> S_IFLNK;
    };
    if ((mode & S_IFMT) != type) {
      return; // not what the tree says is there: not ours to touch here
    }
    FileTime t = mtime(e);
    boolean timeRight = a.get("lastModifiedTime").equals(t);
    if (e.kind() == EntryKind.SYMLINK) {
      if (!timeRight) {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
        applied++;
      }
      return;
    }
    boolean modeRight = (mode & 07777) == e.mode();
    if (e.kind() == EntryKind.FILE && !(modeRight && timeRight)) {
      touchedFiles.put(rel, new SnapshotIndexWriter.PriorStat((Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("size"),
          ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS), ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS)));
    }
    if (!modeRight) {
      Files.setAttribute(p, "unix:mode", e.mode()); // with the sticky bit, which POSIX sets lack
    }
    if (!timeRight) {
      // Followed: the path was just checked to be no symlink, and only this call sets nanoseconds.
      Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(t, null, null);
    }
    applied += modeRight && timeRight ? 0 : 1;
  }

  private static FileTime mtime(TreeEntry e) {
    return FileTime.from(Instant.ofEpochSecond(e.mtimeSeconds(), e.mtimeNanos()));
  }
}
