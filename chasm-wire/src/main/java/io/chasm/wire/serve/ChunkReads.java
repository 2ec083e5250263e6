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
import java.util.List;

/**
 * Reads the chunks of one batch from the live files. A sync asks for a file's chunks in order, so
 * a batch is mostly runs of chunks of one file: the file is opened once for its run, and each
 * chunk is one positional read straight into the array that is sent, instead of an open, a read
 * and a close per chunk (the server's main cost in the issue-17 profile). Reading a whole run into
 * one reused buffer was tried and measured slower (`ChunkServingBenchmark`, docs/benchmarks.md):
 * the copy out of it costs more than the reads it saves, which hit the page cache. The file stays
 * open only for the batch, so nothing read here outlives the snapshot the locator was built from;
 * and each chunk is still hashed against its id before it is handed out when {@code verify} is
 * set: a file replaced or edited since the snapshot yields no chunk, never wrong bytes.
 */
final class ChunkReads implements Closeable {
  private final boolean verify;
  private final MessageDigest digest = HashAlgorithm.SHA_256.newDigest();
  private Path openPath;
  private FileChannel channel;
  private boolean missing;

  ChunkReads(boolean verify) {
    this.verify = verify;
  }

  /**
   * The bytes of each located chunk, null where the live file no longer holds it (or, for a null
   * location, where it was not located at all).
   */
  byte[][] read(List<Hash> ids, ChunkLocation[] at) throws IOException {
    byte[][] out = new byte[ids.size()][];
    for (int i = 0; i < at.length; i++) {
      out[i] = at[i] == null ? null : chunk(at[i], ids.get(i));
    }
    return out;
  }

  private byte[] chunk(ChunkLocation l, Hash id) throws IOException {
    if (!l.file().equals(openPath)) {
      closeChannel();
      openPath = l.file();
      try {
        channel = FileChannel.open(l.file(), StandardOpenOption.READ);
        missing = false;
      } catch (NoSuchFileException | AccessDeniedException e) {
        missing = true; // the rest of this file's run is refused without trying again
      }
    }
    if (missing) {
      return null;
    }
    byte[] data = new byte[l.length()];
    ByteBuffer b = ByteBuffer.wrap(data);
    while (b.hasRemaining()) {
      if (channel.read(b, l.offset() + b.position()) < 0) {
        return null;
      }
    }
    if (verify) {
      digest.update(data);
      if (!Hash.finish(HashAlgorithm.SHA_256, digest).equals(id)) {
        return null;
      }
    }
    return data;
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      FileChannel c = channel;
      channel = null;
      c.close();
    }
    openPath = null;
  }

  @Override
  public void close() throws IOException {
    closeChannel();
  }
}
