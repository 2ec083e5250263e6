package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.hashtree.index.SnapshotIndexWriter;
import io.chasm.hashtree.publish.Durability;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.publish.StagedFile;
import io.chasm.hashtree.publish.TreePublisher;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Makes a run's staged content live: finishes the staged files, makes them durable with one
 * file-system sync where it can, renames everything into place in safe order (or builds the new
 * tree and switches {@code current} in flip mode), then records the snapshot.
 */
final class Publisher {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Publisher.class);
  /** Threads renaming content into place: renames are system calls, so more than the cores pays off a little. */
  private static final int PUBLISH_THREADS = Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors()));
  private final RunSettings s;
  private final MirrorState state;
  private final PublishMarker marker;

  Publisher(RunSettings s, MirrorState state, PublishMarker marker) {
    this.s = s;
    this.state = state;
    this.marker = marker;
  }

  void publish(Plan plan, Snapshot remote, byte[] remoteEnvelope, StagedMetadata meta) throws ChasmException, IOException {
    boolean flip = s.flip();
    Set<StagedFile> finished = new HashSet<>();
    for (FileJob j : plan.jobs) {
      if (j.staged != null && finished.add(j.staged)) {
        meta.finish(j.staged); // most were, by the chunk writers: a no-op for those
      }
    }
    // Another path with the same content gets its own copy (files are never shared). Copies are
    // made before the one file-system sync so they need no fsync each: a distribution tree has
    // thousands of identical files (licences), and an fsync each cost seconds.
    Map<FileJob, Path> copies = new HashMap<>();
    Set<StagedFile> first = new HashSet<>();
    Set<String> written = new HashSet<>();
    for (FileJob j : plan.jobs) {
      if (j.hardlinkFrom == null && !j.inPlace) {
        if (!first.add(j.staged)) {
          Path copy = state.staging().temporary(".dup");
          Files.copy(j.staged.path(), copy, StandardCopyOption.REPLACE_EXISTING);
          copies.put(j, copy);
          meta.apply(copy, j.entry, false);
        }
        if (j.entry.hasMetadata()) {
          written.add(j.path);
        }
      }
    }
    if (!flip) {
      // The trees named by the marker must survive with it (the next run diffs against them).
      state.objects().sync();
      marker.write(remote.rootTree());
    }
    long t0 = s.ticker().nanos();
    boolean fsAll = Durability.syncFileSystem(state.staging().directory());
    LOG.debug("publish: staged files durable in {} ms", (s.ticker().nanos() - t0) / 1_000_000);
    if (!fsAll) {
      if (!flip) {
        Durability.force(marker.path());
      }
      for (StagedFile f : finished) {
        Durability.force(f.path());
      }
      for (Path c : copies.values()) {
        Durability.force(c);
      }
    }
    Path target = flip ? FlipSwitch.treeOf(state.flipTrees(), remote.sequence()) : s.destination();
    if (flip) {
      TreePublisher.deleteRecursively(target);
      Files.createDirectories(target);
    }
    for (FileJob j : plan.jobs) {
      if (j.hardlinkFrom != null) {
        plan.steps.hardlink(j.path, j.hardlinkFrom);
      } else if (j.inPlace) {
        if (!j.entry.hasMetadata()) { // else MetadataApplier sets mode and mtime below
          Path p = SafePaths.resolve(target, j.path);
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(j.entry.executable() ? "rwxr-xr-x" : "rw-r--r--"));
        }
      } else {
        Path staged = copies.containsKey(j) ? copies.get(j) : j.staged.path();
        if (j.entry.hasMetadata()) {
          plan.steps.file(j.path, staged, j.entry.mode(), j.replace);
        } else {
          plan.steps.file(j.path, staged, j.entry.executable(), j.replace);
        }
      }
    }
    Map<String, SnapshotIndexWriter.PriorStat> linkedBefore = flip ? StatIndexUpdate.linkSources(plan.jobs) : Map.of();
    TreePublisher publisher = new TreePublisher(target, state.staging(), s.metadata()).fsyncEachDirectory(!fsAll)
        .threads(PUBLISH_THREADS).stagedModesSet(true);
    publisher.publish(plan.steps, step -> {});
    LOG.debug("publish: renamed into place after {} ms", (s.ticker().nanos() - t0) / 1_000_000);
    MetadataApplier metadata = new MetadataApplier(state.objects(), target, written);
    long restored = metadata.apply(plan.metadataBase, remote.rootTree());
    restored += metadata.applyParents(plan.repaired, remote.rootTree());
    LOG.debug("publish: metadata of {} entries restored after {} ms", restored, (s.ticker().nanos() - t0) / 1_000_000);
    if (flip) {
      FlipSwitch.switchCurrent(s.destination(), state.staging(), target);
    }
    if (fsAll) {
      Durability.syncFileSystem(s.destination());
    }
    state.objects().sync();
    if (remoteEnvelope != null) { // null: a repair of the local head, already recorded
      state.snapshots().append(SignedSnapshot.decode(remoteEnvelope));
    }
    marker.remove();
    LOG.debug("publish: durable and recorded after {} ms", (s.ticker().nanos() - t0) / 1_000_000);
    state.staging().clean(Set.of());
    if (flip) {
      FlipSwitch.removeOldTrees(target);
      StatIndexUpdate.writeFlipped(target, state, remote, plan.jobs, linkedBefore, metadata.touchedFiles(), s.ticker());
    } else {
      StatIndexUpdate.write(s.destination(), state, remote, plan.jobs, plan.repaired, metadata.touchedFiles(), s.ticker());
    }
    s.events().published(remote);
  }

  /**
   * The mtime of files a version-1 entry describes (it has none of its own, SPEC §4.10): one for
   * every such file of this publish, the snapshot's creation time (the same on every mirror) but
   * at least 3 s in the past, older than the index's racy window (SPEC §6.3), so the stat index
   * written after the publish can trust them, and any later write moves the mtime.
   */
  static FileTime publishedMtime(RunSettings s, Snapshot remote) {
    Instant latest = s.clock().instant().minusSeconds(3);
    Instant created = remote.created();
    return FileTime.from(created.isBefore(latest) ? created : latest);
  }
}
