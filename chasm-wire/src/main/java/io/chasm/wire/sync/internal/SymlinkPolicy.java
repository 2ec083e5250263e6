package io.chasm.wire.sync.internal;

import io.chasm.api.UnsafePathException;
import io.chasm.hashtree.tree.SafePaths;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Plans a symlink of the snapshot. One whose target is absolute or climbs above the root (a web
 * server serving the mirror could be led to {@code /etc}) fails the sync, or with safe links is
 * skipped: whatever the path held before is removed, so it never shows content the snapshot does
 * not name.
 */
final class SymlinkPolicy {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SymlinkPolicy.class);
  private final boolean safeLinks;
  private final RunEvents events;

  SymlinkPolicy(boolean safeLinks, RunEvents events) {
    this.safeLinks = safeLinks;
    this.events = events;
  }

  /** {@code live} is the tree the path is removed from (null: a new tree). */
  void symlink(Plan plan, String p, byte[] target, boolean replace, Path live) throws UnsafePathException {
    try {
      SafePaths.checkSymlinkTarget(p, target);
    } catch (UnsafePathException e) {
      if (!safeLinks) {
        throw e;
      }
      LOG.warn("{}: not created (a mirror creates no link out of its tree)", e.getMessage());
      plan.skippedLinks.add(p);
      events.symlinkSkipped(p, e.getMessage());
      if (live != null && Files.exists(SafePaths.resolve(live, p), LinkOption.NOFOLLOW_LINKS)) {
        plan.steps.delete(p);
      }
      return;
    }
    plan.steps.symlink(p, target, replace);
  }
}
