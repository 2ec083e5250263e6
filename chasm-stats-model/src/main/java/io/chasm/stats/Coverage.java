package io.chasm.stats;

/**
 * Bytes {@code [start, end)} of one log file, named by its identity (SHA-256 over device, inode
 * and first 4 KiB at first sight, kept for the file's life in the agent state). For a compressed
 * file the offsets count decompressed bytes.
 */
public record Coverage(byte[] fileIdentity, long start, long end) {
  public Coverage {
    fileIdentity = fileIdentity.clone();
  }

  @Override
  public byte[] fileIdentity() {
    return fileIdentity.clone();
  }
}
