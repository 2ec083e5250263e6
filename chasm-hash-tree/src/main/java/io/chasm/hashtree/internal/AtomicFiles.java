package io.chasm.hashtree.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Whole-file replacement that a crash can never leave half-written: temp file, fsync, rename, fsync dir. */
public final class AtomicFiles {
  private AtomicFiles() {}

  private static final int WRITE_SLICE = 256 << 10;

  public static void write(Path target, byte[] content) throws IOException {
    write(target, new ByteBuffer[] {ByteBuffer.wrap(content)});
  }

  public static void write(Path target, ByteBuffer[] content) throws IOException {
    write(target, ch -> {
      for (ByteBuffer b : content) {
        while (b.hasRemaining()) {
          // A heap buffer is copied into a temporary direct buffer of its size for each write:
          // whole, an 8 MB index cost 8 MB more resident memory. Slices keep that copy small.
          ByteBuffer part = b.duplicate();
          part.limit(Math.min(b.limit(), b.position() + WRITE_SLICE));
          b.position(b.position() + ch.write(part));
        }
      }
    });
  }

  /** Writes a file's content into a channel (the temporary file's, before it is renamed into place). */
  @FunctionalInterface
  public interface Body {
    void writeTo(FileChannel ch) throws IOException;
  }

  /**
   * Replaces {@code target} with what {@code body} writes, streamed: content too large to build in
   * memory first (a million-entry index is 112 MB) never is.
   */
  public static void write(Path target, Body body) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        body.writeTo(ch);
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Makes a rename in {@code dir} durable; a no-op where directories cannot be opened. */
  public static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some file systems refuse to open directories; the rename is still atomic there.
    }
  }
}
