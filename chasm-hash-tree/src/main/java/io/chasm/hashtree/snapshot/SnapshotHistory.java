package io.chasm.hashtree.snapshot;

import io.chasm.api.CorruptObjectException;
import io.chasm.hashtree.internal.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The signed snapshot envelopes a node has published or accepted, by sequence: one small file
 * {@code <sequence, 20 digits>.snapshot} per snapshot in a directory (usually {@code
 * STATE/snapshots/}), each written atomically. Envelopes are stored exactly as signed, so a node
 * can relay them unchanged.
 *
 * <p>Reading returns envelopes decoded but not verified; callers verify with {@link
 * SnapshotVerifier}. Not thread-safe for concurrent appends.
 */
public final class SnapshotHistory {
  private static final String SUFFIX = ".snapshot";

  private final Path dir;

  private SnapshotHistory(Path dir) {
    this.dir = dir;
  }

  /** Opens (creating if needed) the history in {@code dir}. */
  public static SnapshotHistory open(Path dir) throws IOException {
    Files.createDirectories(dir);
    return new SnapshotHistory(dir);
  }

  public Path directory() {
    return dir;
  }

  /**
   * Stores an envelope.
   *
   * @throws IllegalStateException if its sequence is not greater than the latest stored one
   */
  public void append(SignedSnapshot signed) throws IOException {
    long latest = latestSequence();
    long seq = signed.snapshot().sequence();
    if (seq <= latest) {
      throw new IllegalStateException("snapshot sequence " + seq + " is not after the latest stored " + latest);
    }
    AtomicFiles.write(file(seq), signed.encode());
  }

  /** Stored sequences, ascending. */
  public List<Long> sequences() throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(
          p -> {
            String n = p.getFileName().toString();
            if (n.length() == 20 + SUFFIX.length() && n.endsWith(SUFFIX)) {
              try {
                out.add(Long.parseLong(n.substring(0, 20)));
              } catch (NumberFormatException e) {
                // Not ours: ignore.
              }
            }
          });
    }
    out.sort(null);
    return out;
  }

  /** The highest stored sequence, or 0 if none. */
  public long latestSequence() throws IOException {
    List<Long> s = sequences();
    return s.isEmpty() ? 0 : s.get(s.size() - 1);
  }

  /**
   * @throws CorruptObjectException if the stored file is not a well-formed envelope of that sequence
   */
  public Optional<SignedSnapshot> get(long sequence) throws IOException, CorruptObjectException {
    Path f = file(sequence);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    SignedSnapshot s = SignedSnapshot.decode(Files.readAllBytes(f));
    if (s.snapshot().sequence() != sequence) {
      throw new CorruptObjectException(f + ": holds sequence " + s.snapshot().sequence() + ", not " + sequence);
    }
    return Optional.of(s);
  }

  /** The latest stored envelope, if any. */
  public Optional<SignedSnapshot> latest() throws IOException, CorruptObjectException {
    long seq = latestSequence();
    return seq == 0 ? Optional.empty() : get(seq);
  }

  private Path file(long sequence) {
    return dir.resolve(String.format("%020d", sequence) + SUFFIX);
  }
}
