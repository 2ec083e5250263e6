package io.chasm.wire.stats;

import io.chasm.api.CorruptObjectException;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The signed snapshot a mirror serves, as its agent reports it with each batch it sends (SPEC
 * §11.19): the snapshot's origin name, its sequence and its signed creation time.
 */
public record ServedSnapshot(String repository, long sequence, long createdUnix) {
  public ServedSnapshot {
    Objects.requireNonNull(repository, "repository");
    if (repository.isEmpty() || sequence < 1 || createdUnix < 0) {
      throw new IllegalArgumentException("a served snapshot needs a repository, a sequence >= 1 and a time >= 0");
    }
  }

  /** Where the current one comes from; asked once per {@link StatsSubmitter#drain}. */
  @FunctionalInterface
  public interface Source {
    /** The snapshot served now, or empty when there is none yet. */
    Optional<ServedSnapshot> current() throws IOException;
  }

  /**
   * The latest snapshot recorded in the state of the mirror's {@code tree} ({@code state}, or the
   * tree's default state directory when null), read afresh each time; nothing is written, so the
   * agent needs only read access. Empty until the mirror has published or synced once.
   */
  public static Source ofTree(Path tree, Path state) {
    Path snapshots = StateLocation.resolve(tree, state).resolve("snapshots");
    return () -> {
      if (!Files.isDirectory(snapshots)) {
        return Optional.empty();
      }
      try {
        return SnapshotHistory.open(snapshots).latest().map(signed -> {
          Snapshot s = signed.snapshot();
          return new ServedSnapshot(s.origin(), s.sequence(), s.created().getEpochSecond());
        });
      } catch (CorruptObjectException e) {
        throw new IOException("the latest snapshot in " + snapshots + " is corrupt: " + e.getMessage(), e);
      }
    };
  }
}
