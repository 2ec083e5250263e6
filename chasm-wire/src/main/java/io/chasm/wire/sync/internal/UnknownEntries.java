package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A mirror is an exact copy: entries of the live tree that neither the new snapshot, the local
 * head nor an interrupted publish names were put there by something else. On a first sync they
 * make the sync refuse (the destination may be the wrong directory) unless deleting them was
 * asked for; then they are deleted with the other deletions, after the new content is live.
 */
final class UnknownEntries {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UnknownEntries.class);
  private final Path destination;
  private final boolean deleteUnknown;
  private final ObjectStore store;

  UnknownEntries(Path destination, boolean deleteUnknown, ObjectStore store) {
    this.destination = destination;
    this.deleteUnknown = deleteUnknown;
    this.store = store;
  }

  void planDeletes(Plan plan, Snapshot remote, Snapshot local, ObjectId oldRoot, ObjectId interrupted)
      throws ChasmException, IOException {
    List<ObjectId> known = new ArrayList<>();
    known.add(remote.rootTree());
    for (ObjectId id : new ObjectId[] {local != null ? oldRoot : null, interrupted}) {
      if (id != null && store.contains(id)) {
        known.add(id);
      }
    }
    List<String> unknown = new ArrayList<>();
    unknownEntries(destination, "", known, unknown);
    if (unknown.isEmpty()) {
      return;
    }
    if (!deleteUnknown) {
      throw new ChasmException(destination + " is not empty: " + unknown.size() + " entries are not in snapshot #"
          + remote.sequence() + " (first: '" + SafePaths.printable(unknown.get(0))
          + "'); delete them to make an exact copy (chasm sync --delete, chasmd fetcher.delete) or sync into an empty directory");
    }
    LOG.info("deleting {} entries that snapshot #{} does not have (first: '{}')", unknown.size(), remote.sequence(),
        SafePaths.printable(unknown.get(0)));
    for (String p : unknown) {
      try (var files = Files.walk(SafePaths.resolve(destination, p))) {
        plan.filesDeleted += files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).count();
      }
      plan.steps.delete(p);
    }
  }

  /** Appends to {@code out} the entries under {@code dir} that none of the {@code known} trees names. */
  private void unknownEntries(Path dir, String prefix, List<ObjectId> known, List<String> out) throws ChasmException, IOException {
    List<Tree> trees = new ArrayList<>();
    for (ObjectId id : known) {
      trees.add(store.tree(id));
    }
    List<Path> children;
    try (var s = Files.list(dir)) {
      children = s.sorted().toList();
    }
    for (Path c : children) {
      String name = c.getFileName().toString();
      if (prefix.isEmpty() && (name.equals(MirrorState.STATE_DIR) || name.equals(MirrorState.STAGING_IN_TREE)
          || name.equals(MirrorState.TREES_IN_TREE) || io.chasm.hashtree.tree.ExportLayout.isExportDir(name))) {
        continue;
      }
      String p = prefix.isEmpty() ? name : prefix + "/" + name;
      boolean named = false;
      List<ObjectId> sub = new ArrayList<>();
      for (Tree t : trees) {
        TreeEntry e = t.entry(name);
        if (e != null) {
          named = true;
          if (e.kind() == EntryKind.DIRECTORY) {
            sub.add(e.id());
          }
        }
      }
      if (!named) {
        out.add(p);
      } else if (!sub.isEmpty() && Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
        unknownEntries(c, p, sub, out);
      }
    }
  }
}
