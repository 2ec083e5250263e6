package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.diff.TreeChange;
import io.chasm.hashtree.diff.TreeDiff;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans what a run publishes, from trees already in the store: the diff of the old tree against
 * the new one (or, after an interrupted publish, every file of the new tree), or in flip mode the
 * complete new tree; then the deletions of entries nothing names.
 */
final class Planner {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Planner.class);
  private final RunSettings s;
  private final ObjectStore store;
  private final SymlinkPolicy links;
  private final Plan plan = new Plan();

  Planner(RunSettings s, ObjectStore store) {
    this.s = s;
    this.store = store;
    this.links = new SymlinkPolicy(s.safeLinks(), s.events());
  }

  /**
   * @param oldRoot the local head's root tree, or the empty tree on a first sync
   * @param interrupted the root an interrupted publish was writing, or null
   * @param oldLive the live tree (flip mode: the one {@code current} names)
   */
  Plan plan(Snapshot remote, Snapshot local, ObjectId oldRoot, ObjectId empty, ObjectId interrupted, Path oldLive)
      throws ChasmException, IOException {
    plan.metadataBase = s.flip() || interrupted != null ? null : oldRoot;
    if (s.flip()) {
      planFlip(remote, local, oldRoot, oldLive);
    } else if (interrupted != null) {
      // A publish that was interrupted (kill, power loss) left some paths at the version it was
      // publishing, others at the local head's: diffing the local head against the remote would
      // miss the first kind whenever the remote has the local head's version again. Then every
      // file is checked against the remote instead (files already right are left in place).
      LOG.info("the previous publish was interrupted: checking every file against snapshot #{}", remote.sequence());
      planChanges(TreeDiff.diff(store, empty, remote.rootTree()), false);
      for (ObjectId from : List.of(oldRoot, interrupted)) {
        if (store.contains(from)) {
          for (TreeChange c : TreeDiff.diff(store, from, remote.rootTree())) {
            if (c.type() == TreeChange.Type.REMOVED) {
              plan.steps.delete(c.pathString());
            }
          }
        }
      }
    } else {
      planChanges(TreeDiff.diff(store, oldRoot, remote.rootTree()), local == null);
    }
    if (!s.flip() && (local == null || s.deleteUnknown())) {
      new UnknownEntries(s.destination(), s.deleteUnknown(), store).planDeletes(plan, remote, local, oldRoot, interrupted);
    }
    return plan;
  }

  /**
   * @param takenOver the old tree is what a directory held without a snapshot (Takeover): what the
   *     snapshot lacks is then left to {@link UnknownEntries}, which deletes it only with --delete
   */
  private void planChanges(List<TreeChange> changes, boolean takenOver) throws ChasmException, IOException {
    for (TreeChange c : changes) {
      String p = c.pathString();
      SafePaths.resolve(s.destination(), p);
      TreeEntry before = c.before();
      TreeEntry after = c.after();
      switch (c.type()) {
        case ADDED -> add(p, after, null, false);
        case KIND_CHANGED -> {
          plan.filesDeleted += countFiles(before);
          add(p, after, null, true);
        }
        case MODIFIED -> {
          if (MetadataOnly.is(before, after)) {
            continue; // the content is in place: MetadataApplier sets mtime and mode after publishing
          }
          if (after.kind() == EntryKind.FILE) {
            plan.jobs.add(new FileJob(p, after, before, false));
            plan.filesChanged++;
          } else if (after.kind() == EntryKind.SYMLINK) {
            links.symlink(plan, p, after.linkTarget(), false, s.destination());
          }
        }
        case REMOVED -> {
          if (!takenOver) {
            plan.filesDeleted += countFiles(before);
            plan.steps.delete(p);
          }
        }
      }
    }
  }

  private void add(String p, TreeEntry e, TreeEntry before, boolean replace) throws ChasmException, IOException {
    switch (e.kind()) {
      case FILE -> {
        plan.jobs.add(new FileJob(p, e, before, replace));
        plan.filesAdded++;
      }
      case SYMLINK -> links.symlink(plan, p, e.linkTarget(), replace, s.destination());
      case DIRECTORY -> {
        plan.steps.directory(p, replace);
        for (TreeEntry child : store.tree(e.id()).entries()) {
          add(p + "/" + child.nameString(), child, null, false);
        }
      }
    }
  }

  private long countFiles(TreeEntry e) throws ChasmException, IOException {
    if (e.kind() == EntryKind.FILE) {
      return 1;
    }
    if (e.kind() != EntryKind.DIRECTORY) {
      return 0;
    }
    long n = 0;
    Optional<byte[]> t = store.get(e.id());
    if (t.isEmpty()) {
      return 0;
    }
    for (TreeEntry c : store.tree(e.id()).entries()) {
      n += countFiles(c);
    }
    return n;
  }

  /** Flip mode: the complete new tree; unchanged files are hard links to the current ones. */
  private void planFlip(Snapshot remote, Snapshot local, ObjectId oldRoot, Path oldLive) throws ChasmException, IOException {
    Map<String, TreeEntry> old = new HashMap<>();
    if (local != null) {
      collectFiles("", oldRoot, old);
    }
    Map<String, TreeEntry> now = new LinkedHashMap<>();
    planFlipDir("", remote.rootTree(), now);
    for (Map.Entry<String, TreeEntry> e : now.entrySet()) {
      TreeEntry was = old.remove(e.getKey());
      FileJob j = new FileJob(e.getKey(), e.getValue(), was, false);
      // A hard link shares its metadata with the live tree's file: only if that is already right.
      if (was != null && was.sameContent(e.getValue()) && was.sameMetadata(e.getValue())) {
        j.hardlinkFrom = SafePaths.resolve(oldLive, e.getKey());
      } else if (was != null) {
        plan.filesChanged++;
      } else {
        plan.filesAdded++;
      }
      plan.jobs.add(j);
    }
    plan.filesDeleted += old.size();
  }

  private void planFlipDir(String prefix, ObjectId tree, Map<String, TreeEntry> files) throws ChasmException, IOException {
    for (TreeEntry e : store.tree(tree).entries()) {
      String p = prefix.isEmpty() ? e.nameString() : prefix + "/" + e.nameString();
      switch (e.kind()) {
        case FILE -> files.put(p, e);
        case SYMLINK -> links.symlink(plan, p, e.linkTarget(), false, null);
        case DIRECTORY -> {
          plan.steps.directory(p, false);
          planFlipDir(p, e.id(), files);
        }
      }
    }
  }

  private void collectFiles(String prefix, ObjectId tree, Map<String, TreeEntry> out) throws ChasmException, IOException {
    for (TreeEntry e : store.tree(tree).entries()) {
      String p = prefix.isEmpty() ? e.nameString() : prefix + "/" + e.nameString();
      if (e.kind() == EntryKind.FILE) {
        out.put(p, e);
      } else if (e.kind() == EntryKind.DIRECTORY) {
        collectFiles(p, e.id(), out);
      }
    }
  }
}
