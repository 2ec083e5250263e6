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
  // A compressed file is read in steps like a plain one, but it cannot be entered in the middle
  // without decompressing everything before: its stream stays open from one step to the next,
  // with the bytes read past the last complete line (see PartReader).
  ByteSource stream;
  long streamAt = -1; // decompressed offset of carry[0]
  byte[] carry = new byte[0];

  void closeStream() {
    if (stream != null) {
      try {
        stream.close();
      } catch (java.io.IOException ignored) {
        // read-only; nothing to lose
      }
      stream = null;
      streamAt = -1;
      carry = new byte[0];
    }
  }
}
