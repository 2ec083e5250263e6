package io.chasm.hashtree.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.Semaphore;

/**
 * A long-running process's copy of one tree's index (a daemon that publishes: {@code chasmd}'s
 * oracle): handed to {@link TreeIndex#open(Path, Path, io.chasm.hashtree.chunk.ChunkingParams,
 * IndexCache)}, it keeps the table that the last open read or wrote, so the next open skips
 * reading the index file, as long as that file is still the one it was (same inode, size and
 * modification time: another process that wrote the index replaced it, and it is read again).
 * The indexes opened through one cache are opened one at a time (a second open waits for the
 * first one's close), so a daemon's publishers never race for the state lock.
 */
public final class IndexCache {
  private final Semaphore turn = new Semaphore(1);
  private IndexTable table;
  private io.chasm.api.ObjectId root;
  private long packLength;
  private Object fileKey;
  private long size = -1;
  private long modified;


  /** Entries held (0 before the first open). */
  public synchronized int entries() {
    return table == null ? 0 : table.count;
  }

  void acquire() throws java.io.InterruptedIOException {
    try {
      turn.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for the index");
    }
  }

  void release() {
    turn.release();
  }

  /** The table of {@code file} if it is the file last remembered, else null. */
  synchronized Cached lookup(Path file) throws IOException {
    if (table == null) {
      return null;
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    }
    boolean same = a.size() == size && a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) == modified && Objects.equals(a.fileKey(), fileKey);
    return same ? new Cached(table, root, packLength) : null;
  }

  /** Remembers {@code t} as the content of {@code file} as it is now (just read or written). */
  synchronized void remember(Path file, IndexTable t, io.chasm.api.ObjectId r, long pack) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    table = t;
    root = r;
    packLength = pack;
    fileKey = a.fileKey();
    size = a.size();
    modified = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Forgets the table (its file could not be matched or written). */
  synchronized void forget() {
    table = null;
    size = -1;
  }

  record Cached(IndexTable table, io.chasm.api.ObjectId root, long packLength) {}
}
