package io.chasm.hashtree.snapshot;

import io.chasm.api.ObjectId;
import io.chasm.api.trust.Signer;
import io.chasm.hashtree.chunk.ChunkingParams;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Builds a {@link Snapshot}; obtained from {@link Snapshot#first} or {@link Snapshot#next}.
 * Defaults: created now (system clock), expires 7 days later, FastCDC sizes 16/64/256 KiB.
 */
public final class SnapshotBuilder {
  /** Default validity of a snapshot. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(7);

  private final String origin;
  private final ObjectId rootTree;
  private final ObjectId previous;
  private final long sequence;
  private Clock clock = Clock.systemUTC();
  private Instant created;
  private Duration validity = DEFAULT_VALIDITY;
  private int chunkMin = ChunkingParams.DEFAULT.minSize();
  private int chunkAvg = ChunkingParams.DEFAULT.avgSize();
  private int chunkMax = ChunkingParams.DEFAULT.maxSize();

  SnapshotBuilder(String origin, ObjectId rootTree, ObjectId previous, long sequence) {
    this.origin = origin;
    this.rootTree = rootTree;
    this.previous = previous;
    this.sequence = sequence;
  }

  /** Where "now" comes from when no explicit creation time is set. */
  public SnapshotBuilder clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public SnapshotBuilder createdAt(Instant created) {
    this.created = created;
    return this;
  }

  public SnapshotBuilder expiresIn(Duration validity) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, got " + validity);
    }
    this.validity = validity;
    return this;
  }

  /** The chunking the tree's files were cut with. */
  public SnapshotBuilder chunking(ChunkingParams params) {
    this.chunkMin = params.minSize();
    this.chunkAvg = params.avgSize();
    this.chunkMax = params.maxSize();
    return this;
  }

  /**
   * @throws IllegalArgumentException if a field is out of range (see {@code tck/SPEC.md} §5)
   */
  public Snapshot build() {
    Instant c = created != null ? created : clock.instant();
    c = Instant.ofEpochSecond(c.getEpochSecond());
    return new Snapshot(rootTree, previous, sequence, c, c.plus(validity), origin, chunkMin, chunkAvg, chunkMax);
  }

  /** Builds and signs with every signer given (at least one). */
  public SignedSnapshot sign(Signer... signers) {
    return SignedSnapshot.sign(build(), signers);
  }
}
