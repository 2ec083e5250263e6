package io.chasm.collector.internal.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pooled connection to the collector database with the transaction discipline every caller
 * uses: {@link #inTransaction} commits or rolls back as a unit and retries what PostgreSQL reports
 * as a serialization failure or deadlock.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** SQLSTATEs after which the whole transaction may simply be run again. */
  private static final Set<String> RETRYABLE = Set.of("40001", "40P01", "23505");

  private static final int MAX_ATTEMPTS = 8;

  private final HikariDataSource pool;
  private final Dialect dialect;
  // SQLite allows one writer per file; queueing writers in the JVM avoids SQLITE_BUSY between
  // our own threads (busy_timeout still covers other processes such as `collector mirror add`).
  private final ReentrantLock sqliteWriter = new ReentrantLock(true);

  private Database(HikariDataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
  }

  /**
   * Opens a pool on {@code jdbcUrl} and brings the schema to the newest version.
   *
   * @throws SQLException if the database cannot be reached or migrated
   */
  public static Database open(String jdbcUrl, int maxConnections) throws SQLException {
    return open(jdbcUrl, maxConnections, Map.of());
  }

  /**
   * As {@link #open(String, int)}, with Java work run inside the migration to each version in
   * {@code migrationSteps}.
   */
  public static Database open(String jdbcUrl, int maxConnections, Map<Integer, SqlWork<?>> migrationSteps)
      throws SQLException {
    Dialect dialect = Dialect.fromJdbcUrl(jdbcUrl);
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(jdbcUrl);
    cfg.setPoolName("chasm-collector");
    cfg.setAutoCommit(true);
    cfg.setMaximumPoolSize(Math.max(1, maxConnections));
    cfg.setMinimumIdle(1);
    cfg.setInitializationFailTimeout(10_000);
    if (dialect == Dialect.SQLITE) {
      cfg.addDataSourceProperty("journal_mode", "WAL");
      cfg.addDataSourceProperty("synchronous", "NORMAL");
      cfg.addDataSourceProperty("busy_timeout", "30000");
      cfg.addDataSourceProperty("foreign_keys", "true");
    }
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(cfg);
    } catch (RuntimeException e) {
      throw new SQLException("cannot open database " + Dialect.redact(jdbcUrl) + ": " + rootMessage(e), e);
    }
    Database db = new Database(ds, dialect);
    try {
      Migrations.migrate(db, migrationSteps);
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Runs {@code work} in one transaction, retried whole on a transient conflict. */
  public <T> T inTransaction(SqlWork<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      boolean locked = false;
      if (dialect == Dialect.SQLITE) {
        sqliteWriter.lock();
        locked = true;
      }
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c);
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        if (attempt >= MAX_ATTEMPTS || e.getSQLState() == null || !RETRYABLE.contains(e.getSQLState())) {
          throw e;
        }
        LOG.debug("transaction conflict ({}), retrying", e.getSQLState());
      } finally {
        if (locked) {
          sqliteWriter.unlock();
        }
      }
      backoff(attempt);
    }
  }

  /** Runs read-only {@code work} on a pooled connection in auto-commit mode. */
  public <T> T read(SqlWork<T> work) throws SQLException {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.warn("rollback failed: {}", e.getMessage());
    }
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(Math.min(200, 5L << attempt) + (long) (Math.random() * 10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
