package io.chasm.wire.sync.internal;

import io.chasm.hashtree.publish.PublishPlan;
import java.util.ArrayList;
import java.util.List;

/** What a run will publish: the files to write, the other steps, and the counts reported. */
final class Plan {
  final List<FileJob> jobs = new ArrayList<>();
  final PublishPlan steps = new PublishPlan();
  /** Symlinks of the snapshot not created because they point outside the tree. */
  final List<String> skippedLinks = new ArrayList<>();
  /** Paths of the local snapshot written again because the live tree no longer held them as published. */
  final List<String> repaired = new ArrayList<>();
  long filesAdded;
  long filesChanged;
  long filesDeleted;
  /** The tree the live one was published from (for {@link MetadataApplier}); null when unknown. */
  io.chasm.api.ObjectId metadataBase;
}
