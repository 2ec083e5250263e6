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
  long planEnd;
  long size;
  long mtime;
  boolean active = true;
}
