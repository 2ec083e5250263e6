package io.chasm.hashtree.publish;

import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.HashMismatchException;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.merkle.FileManifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.BitSet;

/**
 * One file being assembled in the staging area from the chunks of its manifest. Tracks which
 * chunks hold verified bytes; the file is complete when all do, and then its content is exactly
 * what the manifest (and so the file id) commits to. Thread-safe: chunks of one file may arrive
 * from several peers at once.
 */
public final class StagedFile {
  private final Path path;
  private final FileManifest manifest;
  private final BitSet present;
  private final boolean existed;
  /** Permission bits to create the file with, or -1 for the default. */
  private final int createMode;
  private FileChannel channel;
  private boolean finished;
  private boolean created;
  private boolean finalMode;

  StagedFile(Path path, FileManifest manifest, BitSet present, boolean existed) {
    this(path, manifest, present, existed, -1);
  }

  StagedFile(Path path, FileManifest manifest, BitSet present, boolean existed, int createMode) {
    this.path = path;
    this.manifest = manifest;
    this.present = present;
    this.existed = existed;
    this.createMode = createMode;
  }

  public Path path() {
    return path;
  }

  public FileManifest manifest() {
    return manifest;
  }

  /** True if chunk {@code index} already holds verified bytes (written now or found on resume). */
  public synchronized boolean has(int index) {
    return present.get(index);
  }

  /** Number of chunks still missing. */
  public synchronized int missingCount() {
    return manifest.chunkCount() - present.cardinality();
  }

  public synchronized boolean complete() {
    return present.cardinality() == manifest.chunkCount();
  }

  /**
   * Writes chunk {@code index}; the caller has verified {@code data} against the chunk's id (the
   * peer client does for fetched chunks; {@link #copyFrom} does for local ones).
   *
   * @throws IllegalArgumentException if the length is not the chunk's
   */
  public synchronized void write(int index, byte[] data) throws IOException {
    Chunk c = manifest.chunk(index);
    if (data.length != c.length()) {
      throw new IllegalArgumentException("chunk " + index + " of " + manifest.id() + " is " + c.length() + " bytes, got " + data.length);
    }
    if (present.get(index) || finished) {
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(data);
    long pos = c.offset();
    FileChannel ch = channel();
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
    present.set(index);
    if (present.cardinality() == manifest.chunkCount()) {
      closeChannel();
    }
  }

  /**
   * Copies chunk {@code index} from {@code source} at {@code offset}, re-hashing the bytes while
   * copying (a live local file may have been changed or damaged since it was indexed).
   *
   * @return true if copied; false if the source does not hold the chunk's bytes there
   */
  public boolean copyFrom(int index, Path source, long offset) throws IOException {
    Chunk c = manifest.chunk(index);
    byte[] data;
    try {
      data = readVerified(source, offset, c.length(), c.id());
    } catch (HashMismatchException e) {
      return false;
    }
    write(index, data);
    return true;
  }

  /**
   * Copies chunks {@code [first, first + count)} from {@code source} at {@code sourceOffset} in
   * the kernel (sendfile/copy_file_range: no byte through the heap) and marks them present
   * without hashing them. Only for a source the caller vouches for: a file whose stat is still
   * the one recorded when its content was last verified against a manifest holding these chunks
   * there (a mirror's stat index). Anything else goes through {@link #copyFrom}.
   */
  public synchronized void copyVouched(int first, int count, FileChannel source, long sourceOffset) throws IOException {
    if (finished || count <= 0) {
      return;
    }
    Chunk a = manifest.chunk(first);
    Chunk z = manifest.chunk(first + count - 1);
    long length = z.end() - a.offset();
    FileChannel ch = channel();
    long done = 0;
    while (done < length) {
      ch.position(a.offset() + done);
      long n = source.transferTo(sourceOffset + done, length - done, ch);
      if (n <= 0) {
        throw new IOException(path + ": the vouched source ended at offset " + (sourceOffset + done) + ", short of its chunks");
      }
      done += n;
    }
    present.set(first, first + count);
    if (present.cardinality() == manifest.chunkCount()) {
      closeChannel();
    }
  }

  /**
   * The bytes at {@code [offset, offset + length)} of {@code file}, verified against {@code id}.
   *
   * @throws HashMismatchException if the file does not hold those bytes there: they hash to
   *     something else, the file is shorter, gone or unreadable (a live file changed since it was
   *     indexed; callers fetch the chunk elsewhere)
   * @throws IOException if reading fails otherwise
   */
  public static byte[] readVerified(Path file, long offset, int length, Hash id) throws IOException, HashMismatchException {
    byte[] data = new byte[length];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.wrap(data);
      long pos = offset;
      while (b.hasRemaining()) {
        int n = ch.read(b, pos);
        if (n < 0) {
          throw new HashMismatchException(file + " ends before chunk " + id + " at offset " + offset);
        }
        pos += n;
      }
    } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException e) {
      throw new HashMismatchException(file + " cannot be read for chunk " + id, e);
    }
    MessageDigest d = HashAlgorithm.SHA_256.newDigest();
    d.update(data);
    if (!Hash.finish(HashAlgorithm.SHA_256, d).equals(id)) {
      throw new HashMismatchException(file + " does not hold chunk " + id + " at offset " + offset);
    }
    return data;
  }

  /**
   * Ends assembly: checks every chunk is present, trims the file to the manifest size and, if
   * {@code force}, fsyncs it.
   *
   * @throws HashMismatchException if a chunk is missing (the staged file cannot be the file)
   */
  public synchronized Path finish(boolean force) throws IOException, HashMismatchException {
    if (present.cardinality() != manifest.chunkCount()) {
      throw new HashMismatchException(
          "staged " + manifest.id() + " misses " + (manifest.chunkCount() - present.cardinality()) + " chunk(s)");
    }
    if (!finished && !existed && !force && manifest.chunkCount() > 0) {
      // Written from scratch: the chunks tile [0, size) exactly, so the length is already right.
      finished = true;
    }
    if (!finished) {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        if (ch.size() != manifest.size()) {
          ch.truncate(manifest.size());
        }
        if (force) {
          ch.force(true);
        }
      }
      finished = true;
    }
    return path;
  }

  /** Closes the open channel, if any (assembly can resume later from what was written). */
  public synchronized void close() throws IOException {
    closeChannel();
  }

  /**
   * True if this object created the file with the mode it was staged with and the umask kept every
   * bit of it: the file has its final mode, and publishing needs no chmod for it.
   */
  public synchronized boolean hasFinalMode() {
    return finalMode;
  }

  private FileChannel channel() throws IOException {
    if (channel == null) {
      if (createMode >= 0 && !existed && !created) {
        // One create with the mode instead of a create and a chmod per file (tens of thousands in
        // an initial sync). CREATE_NEW: a file nobody else made, so its mode is the one given here.
        channel = FileChannel.open(path, java.util.EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            permissions(createMode));
        created = true;
        finalMode = io.chasm.hashtree.internal.Umask.keeps(createMode);
      } else {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      }
    }
    return channel;
  }

  /** Creates the file of an empty manifest (no chunk will ever open it). */
  synchronized void createEmpty() throws IOException {
    if (createMode >= 0 && !existed) {
      Files.createFile(path, permissions(createMode));
      created = true;
      finalMode = io.chasm.hashtree.internal.Umask.keeps(createMode);
    } else {
      Files.newOutputStream(path).close();
    }
  }

  private static java.nio.file.attribute.FileAttribute<?> permissions(int mode) {
    return java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString(rwx(mode >> 6) + rwx(mode >> 3) + rwx(mode)));
  }

  private static String rwx(int bits) {
    return ((bits & 4) != 0 ? "r" : "-") + ((bits & 2) != 0 ? "w" : "-") + ((bits & 1) != 0 ? "x" : "-");
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  static BitSet verifyExisting(Path path, FileManifest m) throws IOException {
    BitSet ok = new BitSet(m.chunkCount());
    if (!Files.isRegularFile(path)) {
      return ok;
    }
    long size = Files.size(path);
    for (int i = 0; i < m.chunkCount(); i++) {
      Chunk c = m.chunk(i);
      if (c.end() <= size) {
        try {
          readVerified(path, c.offset(), c.length(), c.id());
          ok.set(i);
        } catch (HashMismatchException e) {
          // not there: the chunk is fetched
        }
      }
    }
    return ok;
  }
}
