package io.chasm.stats.scan;

import io.chasm.stats.LogReader;
import io.chasm.stats.internal.ByteSource;
import io.chasm.stats.internal.StateFile;
import java.nio.file.Path;

/** One input file of a scan: what it is, where its checkpoint stands and how far this run reads it. */
final class ScanFile {
  Path path;
  ByteSource.Compression compression;
  StateFile.Checkpoint cp;
  LogReader reader;
  /** The reader of a file that is not split, kept from step to step with its sessions. */
  LogReader open;
  long planEnd;
  /** Where the running step may read to: {@link #planEnd}, or a redone step's recorded end. */
  long readEnd;
  long size;
  long mtime;
  boolean active = true;
}
