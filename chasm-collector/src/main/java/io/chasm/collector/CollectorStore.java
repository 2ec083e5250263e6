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

  private final Database db;
  private final MirrorDao mirrors;
  private final BatchIngester ingester;
  private final StatsReader reader;
  private volatile IngestListener ingestListener = IngestListener.NONE;
  private final FreshnessBoard freshness;

  private final Roller roller;
  private final GroupCommitter committer;

  private CollectorStore(Database db, int privacyThreshold, SignatureVerifier verifier, Roller roller) {
    this.db = db;
    this.mirrors = new MirrorDao(db);
    this.roller = roller;
    this.committer = new GroupCommitter(db, roller);
    this.ingester = new BatchIngester(mirrors, verifier, committer);
    this.reader = new StatsReader(db, privacyThreshold, roller);
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
    Roller roller = rollers > 0 ? new Roller(db, ROLL_INTERVAL_MILLIS, rollers) : new Roller(db, ROLL_INTERVAL_MILLIS);
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
