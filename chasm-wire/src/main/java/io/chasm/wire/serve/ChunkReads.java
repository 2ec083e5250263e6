package io.chasm.wire.serve;

import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.hashtree.index.ChunkLocation;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the chunks of one batch from the live files. A sync asks for a file's chunks in order, so
 * a batch is mostly runs of chunks that follow each other in one file: each run is one open and
 * one positional read into a buffer reused for the whole batch, instead of an open, a read and a
 * close per chunk (the server's main cost in the issue-17 profile). The file stays open only for
 * the batch, so nothing read here outlives the snapshot the locator was built from; and each
 * chunk is still hashed against its id before it is handed out when {@code verify} is set: a
 * file replaced or edited since the snapshot yields no chunk, never wrong bytes.
 */
final class ChunkReads implements Closeable {
  /** Largest span read at once: a batch of 16 typical chunks fits, a run of huge ones is split. */
  static final int MAX_SPAN = 4 << 20;

  private final boolean verify;
  private final MessageDigest digest = HashAlgorithm.SHA_256.newDigest();
  private byte[] buffer = new byte[0];
  private Path openPath;
  private FileChannel channel;

  ChunkReads(boolean verify) {
    this.verify = verify;
  }

  /**
   * The bytes of each located chunk, null where the live file no longer holds it (or, for a null
   * location, where it was not located at all).
   */
  byte[][] read(List<Hash> ids, ChunkLocation[] at) throws IOException {
    byte[][] out = new byte[ids.size()][];
    int i = 0;
    while (i < at.length) {
      if (at[i] == null) {
        i++;
        continue;
      }
      int end = runEnd(at, i);
      long from = at[i].offset();
      int span = (int) (at[end - 1].offset() + at[end - 1].length() - from);
      int got = readSpan(at[i].file(), from, span);
      for (int k = i; k < end; k++) {
        int off = (int) (at[k].offset() - from);
        out[k] = off + at[k].length() <= got ? chunk(off, at[k].length(), ids.get(k)) : null;
      }
      i = end;
    }
    return out;
  }

  /** The end (exclusive) of the run starting at {@code i}: chunks back to back in one file, within {@link #MAX_SPAN}. */
  private static int runEnd(ChunkLocation[] at, int i) {
    int end = i + 1;
    long next = at[i].offset() + at[i].length();
    while (end < at.length && at[end] != null && at[end].file().equals(at[i].file()) && at[end].offset() == next
        && next + at[end].length() - at[i].offset() <= MAX_SPAN) {
      next += at[end].length();
      end++;
    }
    return end;
  }

  /** Reads up to {@code span} bytes at {@code from} into the buffer; returns how many there were (0: file gone). */
  private int readSpan(Path file, long from, int span) throws IOException {
    if (!file.equals(openPath)) {
      closeChannel();
      try {
        channel = FileChannel.open(file, StandardOpenOption.READ);
      } catch (NoSuchFileException | AccessDeniedException e) {
        return 0;
      }
      openPath = file;
    }
    if (buffer.length < span) {
      buffer = new byte[Math.max(span, Math.min(MAX_SPAN, buffer.length * 2))];
    }
    ByteBuffer b = ByteBuffer.wrap(buffer, 0, span);
    while (b.hasRemaining()) {
      if (channel.read(b, from + b.position()) < 0) {
        break;
      }
    }
    return b.position();
  }

  private byte[] chunk(int off, int length, Hash id) {
    if (verify) {
      digest.update(buffer, off, length);
      if (!Hash.finish(HashAlgorithm.SHA_256, digest).equals(id)) {
        return null;
      }
    }
    return Arrays.copyOfRange(buffer, off, off + length);
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      FileChannel c = channel;
      channel = null;
      openPath = null;
      c.close();
    }
  }

  @Override
  public void close() throws IOException {
    closeChannel();
  }
}
