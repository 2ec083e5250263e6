package io.chasm.wire.stats;

import io.chasm.stats.scan.LogScanner;
import io.chasm.stats.StatsDelta;
import io.chasm.wire.stats.internal.ArtifactUtf8;
import io.chasm.wire.stats.internal.StatsBatchEncoder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The on-disk queue of batches waiting for the collector: one file {@code <batch id hex>.batch}
 * per batch holding the exact serialized StatsBatch ({@link EncodedBatch#bytes()}), written to a
 * temporary name, fsynced and renamed. {@link DirectoryOutbox} reads the same directory and {@link StatsSubmitter} signs
 * each batch when it sends it. A batch already in the spool is never overwritten, so a step redone
 * after a crash leaves the first copy (same id, and what the collector may already hold).
 */
public final class StatsSpool implements LogScanner.BatchSink {
  public static final String SUFFIX = DirectoryOutbox.SUFFIX;
  private final Path dir;
  private final String mirrorId;
  // The artifacts' UTF-8 for the spool's life: each step's batches carry nearly all of them again.
  private final ArtifactUtf8 names = new ArtifactUtf8();

  public StatsSpool(Path dir, String mirrorId) {
    this.dir = dir;
    this.mirrorId = mirrorId;
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void accept(StatsDelta delta) throws IOException {
    // A redone step carries its first creation time, so its batches are the same bytes.
    long created = delta.createdUnix() > 0 ? delta.createdUnix() : System.currentTimeMillis() / 1000;
    StatsBatches.forEach(mirrorId, delta, StatsBatches.MAX_ROWS, created, names, this::write);
  }

  /** Spools one batch unless its id is already there; returns its file. */
  public Path write(EncodedBatch batch) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(batch.idHex() + SUFFIX);
    if (Files.exists(file)) {
      return file;
    }
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(batch.sharedBytes());
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // fsync of a directory is not supported everywhere; the rename is atomic regardless.
    }
    return file;
  }

  /** Spooled batch files, oldest name first. */
  public List<Path> list() throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      ds.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  /**
   * Reads one spooled file back.
   *
   * @throws IOException if the file cannot be read or is not a StatsBatch
   */
  public static EncodedBatch read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return StatsBatches.of(StatsBatchEncoder.decode(bytes), bytes);
  }
}
