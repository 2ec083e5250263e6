package io.chasm.hashtree.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock on a state directory ({@code lock} inside it). The index of an origin and
 * the state of a mirror take the same lock, so no two chasm processes ever write one state. The
 * holder writes its pid into the file, so the one refused can name it (the lock itself is the
 * OS's: a crashed holder's stale pid never blocks anyone).
 */
public final class StateLock implements Closeable {
  private final FileChannel channel;

  private StateLock(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * @throws IOException naming the directory and the holder's pid if another process (or this JVM) holds it
   */
  public static StateLock acquire(Path stateDir) throws IOException {
    FileChannel ch = FileChannel.open(stateDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
      if (l != null) {
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      }
    } catch (OverlappingFileLockException e) {
      l = null; // held by this JVM
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (l == null) {
      String holder = holder(ch);
      ch.close();
      throw new IOException(stateDir + ": in use by another chasm process" + holder
          + "; wait for it to finish or stop it, then run this again");
    }
    return new StateLock(ch);
  }

  /** " (pid N)" from the lock file, or "" when the holder wrote none (an older version). */
  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
      return pid.matches("[0-9]{1,19}") ? " (pid " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Releases the lock (closing the channel releases it). */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
