package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.publish.PublishPlan;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.tree.TreeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Adds the damaged paths a plan does not already write to it: each is written again from the
 * snapshot like any change (a file staged, its chunks reused from live files where they still
 * verify, else fetched; published atomically), and listed as repaired.
 */
final class RepairPlan {
  private RepairPlan() {}

  /**
   * @param damaged paths of the local snapshot the live tree does not hold as published
   * @param rootTree the tree being published: a damaged path it no longer has needs nothing
   */
  static void add(Plan plan, List<String> damaged, ObjectStore store, ObjectId rootTree, Path live)
      throws ChasmException, IOException {
    if (damaged.isEmpty()) {
      return;
    }
    Set<String> written = new HashSet<>();
    plan.jobs.forEach(j -> written.add(j.path));
    for (PublishPlan.Step s : plan.steps.steps()) {
      written.add(s.path());
    }
    for (String d : damaged) {
      if (covered(d, written)) {
        continue;
      }
      TreeEntry e = store.entryAt(rootTree, d).orElse(null);
      if (e == null) {
        continue;
      }
      Path p = SafePaths.resolve(live, d);
      switch (e.kind()) {
        case FILE -> {
          // The live file's chunks that still verify are copied; the rest come from upstreams.
          boolean there = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
          FileJob j = new FileJob(d, e, there ? e : null, false);
          j.repair = true;
          plan.jobs.add(j);
        }
        case SYMLINK -> plan.steps.symlink(d, e.linkTarget(), false);
        case DIRECTORY -> plan.steps.directory(d, false);
      }
      if (e.kind() != io.chasm.hashtree.tree.EntryKind.DIRECTORY) {
        written.add(d); // a directory step writes only the directory: its damaged entries still count
      }
      plan.repaired.add(d);
    }
  }

  /** The plan writes the path itself or replaces or deletes one of its directories. */
  private static boolean covered(String path, Set<String> written) {
    if (written.contains(path)) {
      return true;
    }
    for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
      if (written.contains(path.substring(0, i))) {
        return true;
      }
    }
    return false;
  }
}
