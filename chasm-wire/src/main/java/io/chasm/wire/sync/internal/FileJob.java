package io.chasm.wire.sync.internal;

import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.StagedFile;
import io.chasm.hashtree.tree.TreeEntry;
import java.nio.file.Path;

/** One file to publish and where its bytes come from; filled in step by step as the run goes. */
final class FileJob {
  final String path;
  final TreeEntry entry;
  /** The entry the path had in the old tree, or null. */
  final TreeEntry before;
  final boolean replace;
  FileManifest manifest;
  StagedFile staged;
  /** The live file already holds the new content (an interrupted earlier run published it). */
  boolean inPlace;
  /** Written again because the live file was damaged: staged even if it holds the right bytes (its metadata may not be). */
  boolean repair;
  /** Flip mode: the unchanged live file to hard-link. */
  Path hardlinkFrom;

  FileJob(String path, TreeEntry entry, TreeEntry before, boolean replace) {
    this.path = path;
    this.entry = entry;
    this.before = before;
    this.replace = replace;
  }
}
