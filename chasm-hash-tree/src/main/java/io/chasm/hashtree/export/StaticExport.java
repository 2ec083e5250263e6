package io.chasm.hashtree.export;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.internal.AtomicFiles;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.store.PackObjectStore;
import io.chasm.hashtree.tree.ExportLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a tree's latest signed snapshot and the objects a downstream needs to plan a sync (every
 * tree and file manifest the snapshot names) as static files inside the tree, at {@link
 * ExportLayout} (SPEC §12), so a plain HTTP mirror of the tree can be a source.
 *
 * <p>Objects are named by id, so a re-export writes only the objects that are new, and a file once
 * written never changes: a web mirror half-way through copying a new export still serves every
 * object of the old head. The head is written last, atomically, after its objects. Then, unless
 * told to keep everything, objects that neither the new head nor the head it replaced names are
 * removed ({@link ExportPruner}, SPEC §12.3), so an export refreshed after every publish stays
 * the size of two snapshots' metadata instead of growing for ever.
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
   * @param removed objects of older heads removed by this run (SPEC §12.3)
   */
  public record Result(long sequence, ObjectId snapshot, long objects, long written, long removed) {}

  private StaticExport() {}

  /**
   * Exports the latest snapshot recorded in the state of {@code tree}.
   *
   * @param stateDir the tree's state directory, or null for {@link StateLocation#of}
   * @throws IOException if the tree has no recorded snapshot, or on a write failure
   * @throws ChasmException if the state is damaged (an object missing or not matching its id)
   */
  public static Result export(Path tree, Path stateDir) throws IOException, ChasmException {
    return export(tree, stateDir, true);
  }

  /**
   * Exports the latest snapshot recorded in the state of {@code tree}; with {@code prune}, then
   * removes the objects that neither it nor the head it replaces names.
   *
   * @param stateDir the tree's state directory, or null for {@link StateLocation#of}
   * @throws IOException if the tree has no recorded snapshot, or on a write failure
   * @throws ChasmException if the state is damaged (an object missing or not matching its id)
   */
  public static Result export(Path tree, Path stateDir, boolean prune) throws IOException, ChasmException {
    Path root = tree.toAbsolutePath().normalize();
    Path state = StateLocation.resolve(root, stateDir);
    Path snaps = state.resolve("snapshots");
    Optional<SignedSnapshot> head = Files.isDirectory(snaps) ? SnapshotHistory.open(snaps).latest() : Optional.empty();
    if (head.isEmpty()) {
      throw new IOException(tree + ": no published snapshot to export (run chasm publish or chasm sync first)");
    }
    try (PackObjectStore store = PackObjectStore.openReadOnly(state.resolve("objects.pack"))) {
      return export(root, head.get(), store, prune);
    }
  }

  /** Exports {@code head} with the objects of {@code store} into the tree at {@code root}, pruning. */
  public static Result export(Path root, SignedSnapshot head, ObjectStore store) throws IOException, ChasmException {
    return export(root, head, store, true);
  }

  /**
   * Exports {@code head} with the objects of {@code store} into the tree at {@code root}; with
   * {@code prune}, then removes the objects that neither it nor the head it replaces names.
   */
  public static Result export(Path root, SignedSnapshot head, ObjectStore store, boolean prune) throws IOException, ChasmException {
    Path dir = root.resolve(ExportLayout.DIR);
    if (Files.isSymbolicLink(dir) || (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))) {
      throw new IOException(dir + " exists and is not a directory; move it away to export");
    }
    Path h = root.resolve(ExportLayout.HEAD);
    Optional<SignedSnapshot> replaced = prune ? ExportPruner.exportedHead(h) : Optional.empty();
    long[] written = {0};
    Set<ObjectId> named = ExportPruner.walk(head.snapshot().rootTree(), store, (id, bytes) -> {
      written[0] += write(root, id, bytes.get()) ? 1 : 0;
    });
    place(h, head.encode(), true);
    AtomicFiles.fsyncDirectory(h.getParent());
    long removed = prune ? ExportPruner.prune(root, named, replaced, store) : 0;
    return new Result(head.snapshot().sequence(), head.id(), named.size(), written[0], removed);
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
