package io.chasm.hashtree.index;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.store.MissingObjectException;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the stat index ({@code STATE/index}, tck/SPEC.md §6) of a tree whose content is known
 * without reading it: a mirror right after a sync published a snapshot. Every file id and chunk
 * list comes from the snapshot's manifests; only the stat of each path is taken from the disk.
 * {@link TreeIndex#update()} on the tree then rehashes nothing that is still as published.
 *
 * <p>A file's entry is trusted (not marked racily clean, §6.3) only if the caller verified its
 * bytes during this publish and its mtime is more than the racy window in the past (the sync sets
 * it so); a file it did not write keeps the previous index's entry if that has the same id (stat,
 * racy mark and all: every use of the index compares stats with the disk first); every other file
 * is marked racy, so the next index run rehashes it. Symlinks the tree does not hold (a mirror does not
 * create links out of the tree) are left out, and the trees above them re-encoded, so the index's
 * root is the tree as it is on disk. A directory whose tree id the previous index recorded is
 * copied from it without a stat, so an update costs in proportion to what it changed.
 *
 * <p>The caller must hold the state directory's lock (a sync holds it through its mirror state).
 */
public final class SnapshotIndexWriter {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotIndexWriter.class);

  private final Path root;
  private final PackObjectStore objects;
  private final Map<String, FileManifest> verified;
  /** Directories (relative paths) with an entry this publish wrote: never copied from the previous index. */
  private final java.util.Set<String> writtenDirs = new java.util.HashSet<>();
  private Map<String, PriorStat> touched = Map.of();
  private final long racyAfter;
  private final IndexTable t = new IndexTable();
  private IndexTable old = new IndexTable();
  private int trusted;

  private SnapshotIndexWriter(Path root, PackObjectStore objects, Map<String, FileManifest> verified,
      java.util.Collection<String> written) {
    this.root = root;
    this.objects = objects;
    this.verified = verified;
    for (java.util.Collection<String> paths : List.of(verified.keySet(), written)) {
      for (String p : paths) {
        for (int i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
          if (!writtenDirs.add(p.substring(0, i))) {
            break;
          }
        }
      }
    }
    java.time.Instant now = java.time.Instant.now();
    this.racyAfter = now.getEpochSecond() * 1_000_000_000L + now.getNano() - Indexer.RACY_WINDOW_NANOS;
  }

  /**
   * The stat a file had just before the sync set its mtime or mode in place (its content was not
   * rewritten): the previous index vouches for it only if it recorded exactly this stat.
   */
  public record PriorStat(long dev, long ino, long size, long mtimeNanos, long ctimeNanos) {}

  /** What was written. */
  public record Written(ObjectId root, int entries, int trustedFiles, int filesToRehash) {}

  /**
   * Writes the index of {@code root} as published from {@code rootTree}.
   *
   * @param stateDir the state directory (holds {@code index}; its previous index is consulted)
   * @param objects the state's object pack: holds every tree and manifest of {@code rootTree}
   * @param params the snapshot's chunking parameters
   * @param verified paths (relative, {@code a/b}) whose bytes were verified during this publish,
   *     with their manifests (spares reading them again)
   * @throws IOException if the tree changed under the writer (a path vanished or changed kind):
   *     nothing is written then, and the previous index (checked by stat on use) stays
   * @throws MissingObjectException if {@code objects} lacks a tree or manifest of {@code rootTree}
   */
  public static Written write(Path root, Path stateDir, PackObjectStore objects, ObjectId rootTree, ChunkingParams params,
      Map<String, FileManifest> verified) throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    return write(root, stateDir, objects, rootTree, params, verified, List.of(), Map.of());
  }

  /**
   * {@link #write(Path, Path, PackObjectStore, ObjectId, ChunkingParams, Map)} after a publish that
   * also wrote {@code written} (paths of any kind, such as repaired symlinks and directories) in
   * directories whose tree id did not change: those directories are stat'ed, not copied from the
   * previous index; and where the files in {@code touched} had only their mtime or mode set in
   * place (tck/SPEC.md §4.10): recorded with their stat now, and trusted if the previous index
   * recorded their stat from before.
   */
  public static Written write(Path root, Path stateDir, PackObjectStore objects, ObjectId rootTree, ChunkingParams params,
      Map<String, FileManifest> verified, java.util.Collection<String> written, Map<String, PriorStat> touched)
      throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    SnapshotIndexWriter w = new SnapshotIndexWriter(root, objects, verified, written);
    w.touched = touched;
    Path file = stateDir.resolve("index");
    if (Files.exists(file)) {
      try {
        IndexFile.Loaded l = IndexFile.read(file);
        if (l.params().equals(params) && objects.length() >= l.packLength()) {
          w.old = l.table();
        }
      } catch (CorruptObjectException e) {
        LOG.debug("previous index unusable: {}", e.getMessage());
      }
    }
    ObjectId r = w.directory(rootTree, new byte[0]);
    objects.sync();
    w.t.trim();
    IndexFile.write(file, w.t, params, r, objects.length());
    int files = 0;
    for (int i = 0; i < w.t.count; i++) {
      byte k = w.t.kind(i);
      files += k == IndexTable.FILE || k == IndexTable.EXECUTABLE ? 1 : 0;
    }
    return new Written(r, w.t.count, w.trusted, files - w.trusted);
  }

  /** Adds the entries of one directory, depth first; returns its tree id as it is on disk. */
  private ObjectId directory(ObjectId id, byte[] prefix) throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    Tree tree = objects.tree(id);
    List<TreeEntry> kept = new ArrayList<>(tree.entries().size());
    boolean same = true;
    for (TreeEntry e : tree.entries()) {
      byte[] rel = Indexer.concat(prefix, e.name());
      String path = new String(rel, StandardCharsets.UTF_8);
      if (e.kind() == EntryKind.SYMLINK && !SafePaths.isSafeSymlinkTarget(path, e.linkTarget())) {
        same = false;
        continue;
      }
      if (e.kind() == EntryKind.DIRECTORY ? copyUnchanged(rel, e.id()) : e.kind() == EntryKind.FILE && copyUnchangedFile(rel, path, e)) {
        kept.add(e);
        continue;
      }
      Lstat a = lstat(rel);
      switch (e.kind()) {
        case DIRECTORY -> {
          expect(a, Lstat.S_IFDIR, rel);
          int i = t.add(rel, IndexTable.DIRECTORY, a.dev(), a.ino(), 0, a.mtime(), a.ctime());
          ObjectId sub = directory(e.id(), Indexer.concat(rel, new byte[] {'/'}));
          sub.hash().copyTo(t.ids, i * IndexTable.ID_LENGTH);
          kept.add(onDisk(sub.equals(e.id()) ? e : e.withTreeId(sub), a));
        }
        case SYMLINK -> {
          expect(a, Lstat.S_IFLNK, rel);
          int i = t.add(rel, IndexTable.SYMLINK, a.dev(), a.ino(), 0, a.mtime(), a.ctime());
          t.linkTargets.put(i, e.linkTarget());
          kept.add(onDisk(e, a));
        }
        case FILE -> {
          expect(a, Lstat.S_IFREG, rel);
          file(e, rel, path, a);
          kept.add(onDisk(e, a));
        }
      }
      same &= kept.get(kept.size() - 1).equals(e);
    }
    if (same) {
      return id;
    }
    Tree onDisk = Tree.of(kept);
    objects.put(onDisk);
    return onDisk.id();
  }

  /**
   * The entry with the mtime and mode {@code a} found on disk, so the index's root is the tree as
   * it is, read as an index run reads it (after a sync they are the snapshot's; a version-1 entry
   * has none to compare).
   */
  private static TreeEntry onDisk(TreeEntry e, Lstat a) {
    if (!e.hasMetadata()) {
      return e;
    }
    return TreeBuilder.withStat(e, a.mtime(), a.mode());
  }

  /**
   * A directory the previous index recorded with this very tree id: its entries are copied as
   * they are, without a stat (so are files of changed directories that this publish did not write,
   * below). Safe because every use of the index compares each entry's stat with
   * the disk first; it keeps an update's cost proportional to what changed.
   */
  private boolean copyUnchanged(byte[] rel, ObjectId id) {
    if (writtenDirs.contains(new String(rel, StandardCharsets.UTF_8))) {
      return false;
    }
    int o = old.find(rel);
    if (o < 0 || old.kind(o) != IndexTable.DIRECTORY || !old.hasId(o, id)) {
      return false;
    }
    int end = old.subtreeEnd(o);
    for (int k = o; k < end; k++) {
      copyEntry(k);
    }
    return true;
  }

  /** A file this publish did not write, recorded by the previous index with the same id: copied as it is. */
  private boolean copyUnchangedFile(byte[] rel, String path, TreeEntry e) {
    if (verified.containsKey(path) || touched.containsKey(path)) {
      return false;
    }
    int o = old.find(rel);
    byte kind = e.executable() ? IndexTable.EXECUTABLE : IndexTable.FILE;
    if (o < 0 || old.kind(o) != kind || !old.hasId(o, e.id())) {
      return false;
    }
    copyEntry(o);
    return true;
  }

  private void copyEntry(int k) {
    int i = t.add(old.path(k), old.kinds[k], old.dev[k], old.ino[k], old.size[k], old.mtime[k], old.ctime[k]);
    System.arraycopy(old.ids, k * IndexTable.ID_LENGTH, t.ids, i * IndexTable.ID_LENGTH, IndexTable.ID_LENGTH);
    byte kind = old.kind(k);
    if (kind == IndexTable.SYMLINK) {
      t.linkTargets.put(i, old.linkTargets.get(k));
    } else if (kind != IndexTable.DIRECTORY) {
      t.copyChunks(old, k);
      trusted += old.racy(k) ? 0 : 1;
    }
  }

  private void file(TreeEntry e, byte[] rel, String path, Lstat a) throws IOException, MissingObjectException, VerificationException, LimitExceededException {
    byte kind = e.executable() ? IndexTable.EXECUTABLE : IndexTable.FILE;
    int i = t.add(rel, kind, a.dev(), a.ino(), a.size(), a.mtime(), a.ctime());
    e.id().hash().copyTo(t.ids, i * IndexTable.ID_LENGTH);
    int o = old.find(rel);
    boolean stillPublished = a.size() == e.size() && ((a.mode() & 0100) != 0) == e.executable()
        && (!e.hasMetadata() || (a.mode() & TreeEntry.MODE_MASK) == e.mode());
    PriorStat before = touched.get(path);
    PriorStat expected = before != null ? before : new PriorStat(a.dev(), a.ino(), a.size(), a.mtime(), a.ctime());
    boolean sameKind = o >= 0 && (before != null ? old.kind(o) != IndexTable.DIRECTORY && old.kind(o) != IndexTable.SYMLINK
        : old.kind(o) == kind); // a chmod in place may have moved the execute bit
    boolean vouched = o >= 0 && !old.racy(o) && sameKind && old.dev[o] == expected.dev()
        && old.ino[o] == expected.ino() && old.size[o] == expected.size() && old.mtime[o] == expected.mtimeNanos()
        && old.ctime[o] == expected.ctimeNanos() && a.dev() == expected.dev() && a.ino() == expected.ino()
        && a.size() == expected.size()
        && Arrays.equals(old.ids, o * IndexTable.ID_LENGTH, (o + 1) * IndexTable.ID_LENGTH, t.ids, i * IndexTable.ID_LENGTH,
            (i + 1) * IndexTable.ID_LENGTH);
    FileManifest given = verified.get(path);
    if (vouched) {
      t.copyChunks(old, o);
    } else {
      FileManifest m = given != null && given.id().equals(e.id()) ? given : objects.manifest(e.id());
      byte[] id = new byte[IndexTable.ID_LENGTH];
      for (Chunk c : m.chunks()) {
        c.id().copyTo(id, 0);
        t.addChunk(id, 0, c.length());
      }
    }
    boolean verifiedNow = given != null && given.id().equals(e.id()) && a.mtime() < racyAfter;
    if (stillPublished && (vouched || verifiedNow)) {
      trusted++;
    } else {
      t.kinds[i] |= IndexTable.RACY;
    }
  }

  private Lstat lstat(byte[] rel) throws IOException {
    try {
      return Lstat.of(root.resolve(new String(rel, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      throw new IOException(Indexer.display(rel) + ": vanished right after publish; index not written", e);
    }
  }

  private static void expect(Lstat a, int type, byte[] rel) throws IOException {
    if (a.type() != type) {
      throw new IOException(Indexer.display(rel) + ": changed kind right after publish; index not written");
    }
  }
}
