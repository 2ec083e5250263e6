package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Ticker;
import io.chasm.hashtree.index.SnapshotIndexWriter;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.TreeEntry;
import io.chasm.api.ObjectId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes the stat index of what was just published, so that {@code chasm index} on the mirror
 * rehashes nothing. Best effort: the snapshot is already recorded, and a missing or older index
 * only costs a rehash later.
 *
 * <p>In flip mode the index is of the tree {@code current} names after the switch (the one a
 * re-index of the served tree walks): every directory of it is new, and each file hard-linked
 * from the previous tree keeps its inode but gets a new ctime from the link (and from the removal
 * of the tree before), so nothing may be copied from the previous index without a stat. Instead
 * every path counts as written, and each linked file carries the stat its source had before the
 * link: the previous index (of that source tree) vouches for it only if it recorded exactly that.
 */
final class StatIndexUpdate {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StatIndexUpdate.class);

  private StatIndexUpdate() {}

  static void write(Path destination, MirrorState state, Snapshot remote, List<FileJob> jobs, Collection<String> repaired,
      Map<String, SnapshotIndexWriter.PriorStat> touched, Ticker ticker) {
    Map<String, FileManifest> verified = new HashMap<>();
    for (FileJob j : jobs) {
      if (j.manifest != null) {
        verified.put(j.path, j.manifest);
      }
    }
    try {
      long t0 = ticker.nanos();
      SnapshotIndexWriter.Written w = SnapshotIndexWriter.write(destination, state.stateDirectory(), state.objects(),
          remote.rootTree(), remote.chunking(), verified, repaired, touched);
      LOG.debug("stat index written in {} ms: {} entries, {} files trusted, {} to rehash", (ticker.nanos() - t0) / 1_000_000,
          w.entries(), w.trustedFiles(), w.filesToRehash());
    } catch (ChasmException | IOException | RuntimeException e) {
      LOG.warn("stat index not written ({}); the next 'chasm index' rehashes what it cannot trust", e.getMessage());
    }
  }

  /**
   * The stat of each hard-link source of a flip publish, taken before the link moves its ctime.
   * A source that is gone is left out (its file is then marked racy and rehashed by the next index).
   */
  static Map<String, SnapshotIndexWriter.PriorStat> linkSources(List<FileJob> jobs) throws IOException {
    Map<String, SnapshotIndexWriter.PriorStat> before = new HashMap<>();
    for (FileJob j : jobs) {
      if (j.hardlinkFrom != null) {
        try {
          before.put(j.path, stat(j.hardlinkFrom));
        } catch (NoSuchFileException gone) {
          // the link step fails on it anyway
        }
      }
    }
    return before;
  }

  /** {@link #write} for the tree a flip publish built at {@code tree}, after {@code current} names it. */
  static void writeFlipped(Path tree, MirrorState state, Snapshot remote, List<FileJob> jobs,
      Map<String, SnapshotIndexWriter.PriorStat> linkedBefore, Map<String, SnapshotIndexWriter.PriorStat> touched,
      Ticker ticker) {
    Map<String, SnapshotIndexWriter.PriorStat> prior = new HashMap<>(touched);
    prior.putAll(linkedBefore); // from before anything of this publish touched the inode
    List<String> every = new ArrayList<>();
    try {
      everyPath(state.objects(), "", remote.rootTree(), every);
    } catch (ChasmException | IOException | RuntimeException e) {
      LOG.warn("stat index not written ({}); the next 'chasm index' rehashes what it cannot trust", e.getMessage());
      return;
    }
    write(tree, state, remote, jobs, every, prior, ticker);
  }

  /**
   * Every path of the tree; a directory as {@code dir/}, since the writer takes the directories it
   * must stat from the paths below them and an empty directory has none.
   */
  private static void everyPath(ObjectStore store, String prefix, ObjectId tree, List<String> out)
      throws ChasmException, IOException {
    for (TreeEntry e : store.tree(tree).entries()) {
      String p = prefix + e.nameString();
      if (e.kind() == EntryKind.DIRECTORY) {
        out.add(p + "/");
        everyPath(store, p + "/", e.id(), out);
      } else {
        out.add(p);
      }
    }
  }

  private static SnapshotIndexWriter.PriorStat stat(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
    return new SnapshotIndexWriter.PriorStat((Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("size"),
        ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS), ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS));
  }
}
