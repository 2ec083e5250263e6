package io.chasm.hashtree.export;

import io.chasm.api.ChasmException;
import io.chasm.hashtree.store.MissingObjectException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.internal.AtomicFiles;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.ExportLayout;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a tree's latest signed snapshot and the objects a downstream needs to plan a sync (every
 * tree and file manifest the snapshot names) as static files inside the tree, at {@link
 * ExportLayout} (SPEC §12), so a plain HTTP mirror of the tree can be a source.
 *
 * <p>Objects are named by id, so a re-export writes only the objects that are new, and a file once
 * written never changes: a web mirror half-way through copying a new export still serves every
 * object of the old head. The head is written last, atomically, after its objects. Objects of
 * older heads are kept (a mirror may still serve one of them); nothing here deletes.
 *
 * <p>Reads the state without taking its lock (like a server does), so it runs beside a daemon.
 */
public final class StaticExport {
  /**
   * What an export did.
   *
   * @param sequence the exported snapshot's sequence
   * @param snapshot its id
   * @param objects trees and manifests the snapshot names
   * @param written those written by this run (the rest were there already)
   */
  public record Result(long sequence, ObjectId snapshot, long objects, long written) {}

  private StaticExport() {}

  /**
   * Exports the latest snapshot recorded in the state of {@code tree}.
   *
   * @param stateDir the tree's state directory, or null for {@link StateLocation#of}
   * @throws IOException if the tree has no recorded snapshot, or on a write failure
   * @throws ChasmException if the state is damaged (an object missing or not matching its id)
   */
  public static Result export(Path tree, Path stateDir) throws IOException, ChasmException {
    Path root = tree.toAbsolutePath().normalize();
    Path state = StateLocation.resolve(root, stateDir);
    Path snaps = state.resolve("snapshots");
    Optional<SignedSnapshot> head = Files.isDirectory(snaps) ? SnapshotHistory.open(snaps).latest() : Optional.empty();
    if (head.isEmpty()) {
      throw new IOException(tree + ": no published snapshot to export (run chasm publish or chasm sync first)");
    }
    try (PackObjectStore store = PackObjectStore.openReadOnly(state.resolve("objects.pack"))) {
      return export(root, head.get(), store);
    }
  }

  /** Exports {@code head} with the objects of {@code store} into the tree at {@code root}. */
  public static Result export(Path root, SignedSnapshot head, ObjectStore store) throws IOException, ChasmException {
    Path dir = root.resolve(ExportLayout.DIR);
    if (Files.isSymbolicLink(dir) || (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))) {
      throw new IOException(dir + " exists and is not a directory; move it away to export");
    }
    long objects = 0;
    long written = 0;
    Set<ObjectId> seen = new HashSet<>();
    Deque<ObjectId> trees = new ArrayDeque<>();
    trees.add(head.snapshot().rootTree());
    seen.add(head.snapshot().rootTree());
    while (!trees.isEmpty()) {
      ObjectId id = trees.poll();
      Tree t = store.tree(id);
      objects++;
      written += write(root, id, t.encode()) ? 1 : 0;
      for (TreeEntry e : t.entries()) {
        if ((e.kind() == EntryKind.DIRECTORY || e.kind() == EntryKind.FILE) && seen.add(e.id())) {
          if (e.kind() == EntryKind.DIRECTORY) {
            trees.add(e.id());
          } else {
            byte[] m = store.get(e.id()).orElseThrow(() -> new MissingObjectException(e.id()));
            objects++;
            written += write(root, e.id(), m) ? 1 : 0;
          }
        }
      }
    }
    Path h = root.resolve(ExportLayout.HEAD);
    place(h, head.encode(), true);
    AtomicFiles.fsyncDirectory(h.getParent());
    return new Result(head.snapshot().sequence(), head.id(), objects, written);
  }

  /** Writes an object unless a file of its length is there already; true if written. */
  private static boolean write(Path root, ObjectId id, byte[] bytes) throws IOException {
    Path p = root.resolve(ExportLayout.objectPath(id));
    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == bytes.length) {
      return false;
    }
    // Not fsynced one by one (tens of thousands): a crash leaves at worst a short file, rewritten
    // by the next export, and a downstream checks every object against its id anyway.
    place(p, bytes, false);
    return true;
  }

  /**
   * Temp file and rename, so a web server never serves half a file; readable by all, because the
   * web server in front of the tree reads it as another user (a temp file starts owner-only).
   */
  private static void place(Path p, byte[] bytes, boolean fsync) throws IOException {
    Files.createDirectories(p.getParent());
    Path tmp = Files.createTempFile(p.getParent(), "." + p.getFileName(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        if (fsync) {
          ch.force(true);
        }
      }
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its default permissions apply
      }
      Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
