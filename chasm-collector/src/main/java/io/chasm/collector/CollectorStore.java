package io.chasm.collector;

import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureVerifier;
import io.chasm.collector.internal.BatchIngester;
import io.chasm.collector.internal.GroupCommitter;
import io.chasm.collector.internal.Roller;
import io.chasm.collector.internal.MirrorDao;
import io.chasm.collector.internal.RollupBackfill;
import io.chasm.collector.internal.db.Database;
import io.chasm.collector.internal.db.SqlWork;
import io.chasm.collector.internal.db.Migrations;
import io.chasm.collector.model.BatchRejectedException;
import io.chasm.collector.model.IngestOutcome;
import io.chasm.collector.model.Mirror;
import io.chasm.hashtree.sign.Ed25519;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The collector's database: enrolled mirrors, exactly-once ingestion of signed batches, and the
 * read model. SQLite or PostgreSQL, chosen by the JDBC URL; the schema is migrated on open.
 * Thread-safe.
 */
public final class CollectorStore implements AutoCloseable {
  /**
   * How often acknowledged batches are folded into the rollups when nothing reads them sooner (a
   * read folds what is pending first). Longer folds more batches per transaction.
   */
  private static final long ROLL_INTERVAL_MILLIS = 250;
  /** System property overriding {@link #ROLL_INTERVAL_MILLIS} (a longer interval folds more per roll). */
  public static final String ROLL_INTERVAL_PROPERTY = "chasm.collector.roll-interval-ms";

  private final Database db;
  private final MirrorDao mirrors;
  private final BatchIngester ingester;
  private final StatsReader reader;
  private volatile IngestListener ingestListener = IngestListener.NONE;
  private final FreshnessBoard freshness;

  private final Roller roller;
  private final GroupCommitter committer;
  private final long maxPending;
  private final long readWaitMax;

  /**
   * System property: submissions are refused with 503 and Retry-After while more batches than this
   * are acknowledged but not yet folded into the rollups (default {@value #DEFAULT_MAX_PENDING}).
   */
  public static final String MAX_PENDING_PROPERTY = "chasm.collector.max-pending";
  public static final long DEFAULT_MAX_PENDING = 100_000;
  /**
   * System property: a read waits for the roller to fold what is pending (read-your-writes) while
   * at most this many batches are pending; past it, it answers from the rollups as they are and
   * says as of when ({@link #backlog()}; default {@value #DEFAULT_READ_WAIT_MAX}).
   */
  public static final String READ_WAIT_MAX_PROPERTY = "chasm.collector.read-wait-max";
  public static final long DEFAULT_READ_WAIT_MAX = 10_000;
  /** What a refused submission is told to wait before it resends, seconds. */
  public static final int RETRY_AFTER_SECONDS = 10;

  /** Acknowledged batches not yet in the rollups, and when the rollups were last brought forward. */
  public record Backlog(long pendingBatches, long asOfMillis) {}

  private CollectorStore(Database db, int privacyThreshold, SignatureVerifier verifier, Roller roller) {
    this.db = db;
    this.mirrors = new MirrorDao(db);
    this.roller = roller;
    this.committer = new GroupCommitter(db, roller);
    this.ingester = new BatchIngester(mirrors, verifier, committer);
    this.maxPending = Long.getLong(MAX_PENDING_PROPERTY, DEFAULT_MAX_PENDING);
    this.readWaitMax = Long.getLong(READ_WAIT_MAX_PROPERTY, DEFAULT_READ_WAIT_MAX);
    this.reader = new StatsReader(db, privacyThreshold, roller, readWaitMax);
    this.freshness = new FreshnessBoard(db);
  }

  /**
   * Opens (creating and migrating as needed) the database at {@code jdbcUrl}.
   *
   * @param privacyThreshold figures with fewer unique downloaders than this are withheld
   * @throws SQLException if the database cannot be opened or migrated
   */
  public static CollectorStore open(String jdbcUrl, int privacyThreshold, int maxConnections) throws SQLException {
    return open(jdbcUrl, privacyThreshold, maxConnections, 0);
  }

  /** As {@link #open(String, int, int)} with {@code rollers} roller shards (0: the default, {@link Roller}). */
  static CollectorStore open(String jdbcUrl, int privacyThreshold, int maxConnections, int rollers)
      throws SQLException {
    if (privacyThreshold < 0) {
      throw new IllegalArgumentException("privacy threshold must be >= 0");
    }
    Map<Integer, SqlWork<?>> steps = Map.of(2, RollupBackfill::run);
    Database db = Database.open(jdbcUrl, maxConnections, steps);
    long interval = Long.getLong(ROLL_INTERVAL_PROPERTY, ROLL_INTERVAL_MILLIS);
    if (interval < 1) {
      db.close();
      throw new IllegalArgumentException(ROLL_INTERVAL_PROPERTY + " must be at least 1 (milliseconds), not " + interval);
    }
    Roller roller = rollers > 0 ? new Roller(db, interval, rollers) : new Roller(db, interval);
    try {
      roller.start();
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw e;
    }
    return new CollectorStore(db, privacyThreshold, Ed25519.verifier(), roller);
  }

  /** Opens with the default privacy threshold and a small pool. */
  public static CollectorStore open(String jdbcUrl) throws SQLException {
    return open(jdbcUrl, CollectorConfig.DEFAULT_PRIVACY_THRESHOLD, 4);
  }

  /**
   * Enrols a mirror under {@code name} with its public key.
   *
   * @throws IllegalArgumentException if the name or key is enrolled already, or the name is invalid
   */
  public Mirror enrol(String name, PublicKey key, Optional<String> project) throws SQLException {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException("mirror name must be 1-64 of [A-Za-z0-9._-], starting with a letter or digit");
    }
    return mirrors.enrol(name, key, project);
  }

  /** Revokes a mirror's key; returns false if no active mirror has that name. */
  public boolean revoke(String name) throws SQLException {
    return mirrors.revoke(name);
  }

  public List<Mirror> mirrors() throws SQLException {
    return mirrors.list();
  }

  public Optional<Mirror> mirror(String name) throws SQLException {
    return mirrors.byName(name);
  }

  /** Kinds of the alerts recorded for a mirror (bad-signature, batch-conflict...), newest first. */
  public List<String> alerts(String mirrorName) throws SQLException {
    return mirrors.alertKinds(mirrorName);
  }

  /**
   * Verifies and counts one SignedStatsBatch body, exactly once.
   *
   * @throws BatchRejectedException if refused; nothing was counted
   * @throws SQLException if the database failed; nothing was counted
   */
  public IngestOutcome ingest(byte[] signedStatsBatch) throws BatchRejectedException, SQLException {
    long start = System.nanoTime();
    IngestOutcome o;
    try {
      long backlog = roller.pending();
      if (backlog >= maxPending) {
        // Refused before any work: under overload, verifying batches that cannot be folded soon
        // would only add to the backlog's cost (the sender keeps the batch and resends it).
        throw new BatchRejectedException(BatchRejectedException.Reason.BUSY, "collector busy: " + backlog
            + " batches wait to be folded into the rollups (bound " + maxPending + "); nothing was counted,"
            + " resend after " + RETRY_AFTER_SECONDS + " s");
      }
      o = ingester.ingest(signedStatsBatch);
    } catch (BatchRejectedException e) {
      ingestListener.refused(e.reason(), System.nanoTime() - start);
      throw e;
    }
    ingestListener.accepted(o, System.nanoTime() - start);
    return o;
  }

  /** Tells {@code listener} of every decided submission from now on (one listener; NONE to stop). */
  public void ingestListener(IngestListener listener) {
    this.ingestListener = java.util.Objects.requireNonNull(listener);
  }

  public StatsReader reader() {
    return reader;
  }

  /**
   * The backlog when reads do not wait for it (more than {@value #READ_WAIT_MAX_PROPERTY} batches
   * pending): their answers are the rollups as of {@link Backlog#asOfMillis()}, without the
   * pending batches. Empty when reads see every acknowledged batch.
   */
  public Optional<Backlog> backlog() {
    long p = roller.pending();
    return p > readWaitMax ? Optional.of(new Backlog(p, roller.lastRollMillis())) : Optional.empty();
  }

  /** Returns once every batch acknowledged so far is in the rollups, however many (benchmarks, tests). */
  void rollAll() throws SQLException {
    roller.catchUp();
  }

  /** Which snapshot each mirror reported serving, and who is stale (SPEC §11.19, §11.20). */
  public FreshnessBoard freshness() {
    return freshness;
  }

  /** Schema version of the open database. */
  public int schemaVersion() throws SQLException {
    return Migrations.currentVersion(db);
  }

  public String dialect() {
    return db.dialect().name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void close() {
    committer.close();
    roller.close();
    db.close();
  }
}
