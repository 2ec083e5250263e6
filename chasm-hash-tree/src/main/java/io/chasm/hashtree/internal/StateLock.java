package io.chasm.hashtree.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock on a state directory ({@code lock} inside it). The index of an origin and
 * the state of a mirror take the same lock, so no two chasm processes ever write one state.
 */
public final class StateLock implements Closeable {
  private final FileChannel channel;

  private StateLock(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * @throws IOException naming the directory if another process (or this JVM) holds it
   */
  public static StateLock acquire(Path stateDir) throws IOException {
    FileChannel ch = FileChannel.open(stateDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null; // held by this JVM
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (l == null) {
      ch.close();
      throw new IOException(stateDir + ": in use by another chasm process");
    }
    return new StateLock(ch);
  }

  /** Releases the lock (closing the channel releases it). */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
