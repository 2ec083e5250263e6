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
  // A compressed file is read in steps like a plain one, but it cannot be entered in the middle
  // without decompressing everything before: its stream stays open from one step to the next,
  // with the bytes read past the last complete line (see PartReader).
  ByteSource open;
  long openAt = -1; // decompressed offset of carry[0]
  byte[] carry = new byte[0];

  void closeOpen() {
    if (open != null) {
      try {
        open.close();
      } catch (java.io.IOException ignored) {
        // read-only; nothing to lose
      }
      open = null;
      openAt = -1;
      carry = new byte[0];
    }
  }
}
