package io.chasm.wire.get.internal;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.merkle.FileManifest;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The file a download writes: a temporary file beside the target, written at chunk offsets in any
 * order, checked once complete by recomputing its file id (the Merkle root) from the bytes on
 * disk, then renamed over the target. Until {@link #commit} the target is untouched, and closing
 * without a commit deletes the temporary file: a failed download leaves nothing behind.
 */
public final class OutputFile implements Closeable {
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private boolean committed;

  private OutputFile(Path target, Path temp, FileChannel channel) {
    this.target = target;
    this.temp = temp;
    this.channel = channel;
  }

  /** @throws IOException if the target's directory does not exist or the target is a directory */
  public static OutputFile create(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      throw new IOException(target + " is a directory");
    }
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IOException("no such directory: " + (dir == null ? target : dir));
    }
    Path temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".chasm-part");
    try {
      return new OutputFile(abs, temp, FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.READ));
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** Writes verified bytes at {@code offset}; safe from several threads (positional writes). */
  public void write(long offset, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(data);
    long pos = offset;
    while (b.hasRemaining()) {
      pos += channel.write(b, pos);
    }
  }

  /**
   * Re-reads the written file and checks it is exactly the file {@code manifest} names: each chunk
   * range hashes to its id and the Merkle root of those hashes is the file id.
   */
  public void check(FileManifest manifest) throws IOException {
    if (channel.size() != manifest.size()) {
      throw new IOException("wrote " + channel.size() + " bytes to " + temp + ", the file has " + manifest.size());
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    List<Chunk> chunks = new ArrayList<>(manifest.chunkCount());
    for (Chunk c : manifest.chunks()) {
      ByteBuffer b = ByteBuffer.allocate(c.length());
      while (b.hasRemaining()) {
        if (channel.read(b, c.offset() + b.position()) < 0) {
          throw new IOException(temp + " ends early");
        }
      }
      sha.update(b.array());
      chunks.add(new Chunk(c.offset(), c.length(), Hash.of(c.id().algorithm(), sha.digest())));
    }
    ObjectId id = FileManifest.of(chunks).id();
    if (!id.equals(manifest.id())) {
      throw new IOException("the bytes written to " + temp + " are not " + manifest.id() + " (read back as " + id + ")");
    }
  }

  /** Makes the file durable, gives it {@code mode} and {@code mtime} (when known), and renames it over the target. */
  public void commit(int mode, Instant mtime) throws IOException {
    channel.force(true);
    channel.close();
    try {
      Files.setPosixFilePermissions(temp, permissions(mode));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the file keeps the default permissions.
    }
    if (mtime != null) {
      Files.setLastModifiedTime(temp, FileTime.from(mtime));
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    committed = true;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ (0400) … OTHERS_EXECUTE (0001)
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        p.add(bits[i]);
      }
    }
    return p;
  }

  /** Deletes the temporary file unless committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      channel.close();
      Files.deleteIfExists(temp);
    }
  }
}
