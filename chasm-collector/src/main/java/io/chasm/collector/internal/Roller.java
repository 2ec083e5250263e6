package io.chasm.collector.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chasm.collector.internal.StatsRows.Agg;
import io.chasm.collector.internal.StatsRows.RowKey;
import io.chasm.collector.internal.db.Database;
import io.chasm.collector.internal.db.Dialect;
import io.chasm.wire.proto.stats.CountmeRow;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.proto.stats.StatsRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds acknowledged batches ({@code pending_rolls}, written by {@link GroupCommitter}) into
 * {@code stats} and the rollups, many batches per transaction: each mirror's rows summed in memory
 * first, the shared rollups once per distinct key over all of them. The folded batches' pending
 * rows are deleted in the same transaction, so a crash between the two neither loses a batch nor
 * counts it twice (the next roll, or the next start, folds it again from the top).
 *
 * <p>Reads call {@link #catchUp()}: a read sees every batch acknowledged before it started, so the
 * API keeps its read-your-writes behaviour while ingestion stays one small row per batch.
 *
 * <p>The work is split among {@code k} shards (system property {@code chasm.collector.rollers},
 * default {@value #DEFAULT_SHARDS}), each a thread of its own folding the batches of the mirrors
 * with {@code mirror_id % k} equal to its number, in its own transactions under its own
 * {@code roll_state} row (id shard + 1): a mirror's rows ({@code pending_rolls}, {@code stats},
 * {@code roll_mirror}, {@code countme}) belong to one shard, so shards fold them side by side. The
 * rollups all mirrors share ({@code roll_artifact}, {@code roll_project}, the catalogue) are
 * written last, under one more row lock ({@code roll_state} id 0) held to the commit, so no two
 * shards write them at once (and none can lock them in another's order). Each roll deletes exactly
 * the pending rows it read, or rolls back: no two rolls fold the same batch.
 */
public final class Roller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Roller.class);
  /**
   * Batches per roll at most. A roll writes each rollup row it touches once, however many batches
   * add to it (a day's row of an artifact gets a merge from every mirror that served it), so under
   * a backlog bigger rolls cost PostgreSQL less per batch (docs/benchmarks.md, "w5-B").
   */
  static final int MAX_BATCHES = 2000;
  /** Payload bytes per roll at most: bounds a roll's memory (its batches' rows and parsed sketches). */
  static final long MAX_PAYLOAD_BYTES = 64L << 20;
  /** Shards when the system property {@code chasm.collector.rollers} does not say. */
  public static final int DEFAULT_SHARDS = 2;
  /** roll_state's row that the rolls of all shards take before the shared rollups. */
  private static final int SHARED_LOCK_ROW = 0;

  private final Database db;
  private final long intervalMillis;
  private final int shards;
  private final List<Shard> parts = new ArrayList<>();
  private final AtomicLong acknowledged = new AtomicLong();
  /** Rolls this process committed, per roll_state row: what each shard's {@link RollMemory} checks against. */
  private final AtomicLongArray ownRolls;
  /** Batches this process acknowledged and has not folded yet. */
  private final AtomicLong pending = new AtomicLong();
  /** When the last roll committed (epoch millis; 0: none yet). */
  private volatile long lastRollMillis;
  private final Object wake = new Object();
  private volatile boolean closed;

  public Roller(Database db, long intervalMillis) {
    this(db, intervalMillis, Integer.getInteger("chasm.collector.rollers", DEFAULT_SHARDS));
  }

  public Roller(Database db, long intervalMillis, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("rollers must be >= 1, not " + shards);
    }
    this.db = db;
    this.intervalMillis = intervalMillis;
    this.shards = shards;
    this.ownRolls = new AtomicLongArray(shards + 1);
    for (int i = 0; i < shards; i++) {
      parts.add(new Shard(i));
    }
  }

  /** Folds whatever an earlier run left pending, then rolls every {@code intervalMillis} in the background. */
  public void start() throws SQLException {
    db.inTransaction(c -> {
      // Schema 5 made row 1 (shard 0); the others, and the shared lock's row, on first use.
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO roll_state (id, rolls, folded_batches, last_roll_unix)"
          + " VALUES (?, 0, 0, 0) ON CONFLICT DO NOTHING")) {
        for (int id = SHARED_LOCK_ROW; id <= shards; id++) {
          ps.setInt(1, id);
          ps.executeUpdate();
        }
      }
      return null;
    });
    for (Shard s : parts) {
      while (s.rollOnce() > 0) {
        // a crash or kill left batches acknowledged but not folded
      }
    }
    // Those were counted by no acknowledgement of this process.
    pending.set(0);
    for (Shard s : parts) {
      s.thread = new Thread(s::loop, "chasm-collector-roller-" + s.index);
      s.thread.setDaemon(true);
      s.thread.start();
    }
  }

  /** The writer committed {@code batches} new pending rows, numbered up to {@code seq}. */
  void acknowledged(long seq, int batches) {
    pending.addAndGet(batches);
    acknowledged.accumulateAndGet(seq, Math::max);
  }

  /** Batches acknowledged by this process and not yet in the rollups. */
  public long pending() {
    return Math.max(0, pending.get());
  }

  /** When the rollups were last brought forward (epoch millis; 0 before the first roll). */
  public long lastRollMillis() {
    return lastRollMillis;
  }

  /**
   * Returns once every batch acknowledged before the call is folded into the rollups, unless more
   * than {@code maxWait} batches are pending: then at once, with false (the caller reads the
   * rollups as they are rather than wait for a backlog to be folded).
   */
  public boolean catchUp(long maxWait) throws SQLException {
    if (pending() > maxWait) {
      return false;
    }
    catchUp();
    return true;
  }

  /** Returns once every batch acknowledged before the call is folded into the rollups. */
  public void catchUp() throws SQLException {
    long target = acknowledged.get();
    for (Shard s : parts) {
      while (s.rolled.get() < target) {
        s.rollOnce();
      }
    }
  }

  /** Folds up to {@link #MAX_BATCHES} pending batches of each shard; returns how many in all. */
  int rollOnce() throws SQLException {
    int n = 0;
    for (Shard s : parts) {
      n += s.rollOnce();
    }
    return n;
  }

  /** One shard: the batches of the mirrors with {@code mirror_id % shards == index}. */
  private final class Shard {
    final int index;
    final ReentrantLock rolling = new ReentrantLock();
    /** Every pending row of this shard up to here is folded. */
    final AtomicLong rolled = new AtomicLong();
    /** Which rows this shard's mirrors certainly lack; used and changed only under {@link #rolling}. */
    final RollMemory memory;
    Thread thread;

    Shard(int index) {
      this.index = index;
      this.memory = new RollMemory(ownRolls, index + 1);
    }

    void loop() {
      while (!closed) {
        try {
          synchronized (wake) {
            if (!closed) {
              wake.wait(intervalMillis);
            }
          }
          while (!closed && roll().full) {
            // a full roll: more is probably waiting
          }
        } catch (InterruptedException e) {
          return;
        } catch (SQLException | RuntimeException e) {
          // The pending rows stay; the next roll retries them.
          LOG.warn("roll failed, retrying in the next interval: {}", e.getMessage());
        }
      }
    }

    /** Folds up to {@link #MAX_BATCHES} pending batches of this shard in one transaction; returns how many. */
    int rollOnce() throws SQLException {
      return roll().batches;
    }

    private Folded roll() throws SQLException {
      rolling.lock();
      try {
        long target = acknowledged.get();
        Folded f = db.inTransaction(this::fold);
        ownRolls.incrementAndGet(index + 1);
        // Only after the commit: until then the roll may still be retried or fail.
        rolled.accumulateAndGet(f.batches == 0 ? target : f.lastSeq, Math::max);
        pending.addAndGet(-f.batches);
        lastRollMillis = System.currentTimeMillis();
        return f;
      } finally {
        rolling.unlock();
      }
    }

    private Folded fold(Connection c) throws SQLException {
      if (db.dialect() == Dialect.POSTGRESQL) {
        // A roll's probes repeat the same statement text, which the driver soon prepares on the
        // server; a generic plan made while a table was small (a fresh collector) stays a
        // sequential scan as the table grows. Plan each with the table as it is now.
        try (PreparedStatement ps = c.prepareStatement("SET LOCAL plan_cache_mode = force_custom_plan")) {
          ps.execute();
        }
      }
      // First statement a write: it takes this shard's roll_state row lock (PostgreSQL) or the write
      // lock (SQLite), so a second collector process on the same database cannot fold the same rows.
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE roll_state SET rolls = rolls + 1, last_roll_unix = ? WHERE id = ?")) {
        ps.setLong(1, System.currentTimeMillis() / 1000);
        ps.setInt(2, index + 1);
        ps.executeUpdate();
      }
      memory.check(c);
      String mine = shards == 1 ? "" : "mirror_id % " + shards + " = " + index;
      List<Pending> pending = new ArrayList<>();
      boolean full;
      try (PreparedStatement ps = c.prepareStatement("SELECT p.seq, p.mirror_id, m.project, p.payload FROM pending_rolls p"
          + " JOIN mirrors m ON m.id = p.mirror_id" + (mine.isEmpty() ? "" : " WHERE p." + mine)
          + " ORDER BY p.seq LIMIT " + MAX_BATCHES)) {
        long payloadBytes = 0;
        // In pieces (PostgreSQL fetches with a cursor inside a transaction), so the byte bound
        // bounds what is read, not only what is parsed.
        ps.setFetchSize(64);
        try (ResultSet rs = ps.executeQuery()) {
          // Stops at the byte bound too; the rows not read stay pending for the next roll.
          while (payloadBytes < MAX_PAYLOAD_BYTES && rs.next()) {
            Pending p = new Pending(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBytes(4));
            payloadBytes += p.payload.length;
            pending.add(p);
          }
          full = pending.size() >= MAX_BATCHES || payloadBytes >= MAX_PAYLOAD_BYTES;
        }
      }
      if (pending.isEmpty()) {
        return new Folded(0, 0, false);
      }
      // Per mirror, its rows summed over all its batches in this roll; mirrors in id order.
      TreeMap<Long, Map<RowKey, Agg>> byMirror = new TreeMap<>();
      List<MirrorCountme> countme = new ArrayList<>();
      for (Pending p : pending) {
        StatsBatch b;
        try {
          b = StatsBatch.parseFrom(p.payload);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("pending batch " + p.seq + " does not parse (it was verified on receipt)", e);
        }
        Map<RowKey, Agg> rows = byMirror.computeIfAbsent(p.mirrorId, k -> new HashMap<>());
        for (StatsRow r : b.getRowsList()) {
          if (counts(p.project, r.getProject())) {
            // Each submitted sketch parsed here once; the unions and estimates below reuse it.
            rows.computeIfAbsent(new RowKey(r.getGranularityValue(), r.getProject(), r.getPeriodStart(),
                r.getArtifact(), r.getType(), r.getProtocol()), k -> new Agg())
                .add(r.getDownloads(), r.getBytes(), r.getBotRequests(),
                    Sketches.parsed(r.getUniqueSketch().toByteArray()));
          }
        }
        for (CountmeRow cm : b.getCountmeList()) {
          if (counts(p.project, cm.getProject())) {
            countme.add(new MirrorCountme(cm, p.mirrorId));
          }
        }
      }
      List<RollupWriter.Merged> all = new ArrayList<>();
      List<RollupWriter.ProjectDelta> deltas = new ArrayList<>();
      for (Map.Entry<Long, Map<RowKey, Agg>> e : byMirror.entrySet()) {
        Map<RowKey, Agg> rows = e.getValue();
        if (rows.isEmpty()) {
          continue;
        }
        List<RollupWriter.Merged> merged = new ArrayList<>(rows.size());
        StatsRows.merge(c, rows, e.getKey(), memory)
            .forEach((k, grown) -> merged.add(new RollupWriter.Merged(k, rows.get(k), grown)));
        deltas.add(RollupWriter.applyMirror(c, e.getKey(), merged, memory));
        all.addAll(merged);
      }
      for (MirrorCountme cm : countme) {
        mergeCountme(c, cm.row, cm.mirrorId);
      }
      if (shards > 1) {
        // The shared rollups: one shard at a time, to the commit.
        try (PreparedStatement ps = c.prepareStatement("UPDATE roll_state SET rolls = rolls + 1 WHERE id = ?")) {
          ps.setInt(1, SHARED_LOCK_ROW);
          ps.executeUpdate();
        }
      }
      RollupWriter.applyShared(c, all, deltas);
      RollupWriter.catalogue(c, all);
      long last = pending.get(pending.size() - 1).seq;
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM pending_rolls WHERE seq <= ?" + (mine.isEmpty() ? "" : " AND " + mine))) {
        ps.setLong(1, last);
        int deleted = ps.executeUpdate();
        if (deleted != pending.size()) {
          // Another roll (another process, or one with another number of shards) folded some of
          // these, or rows below `last` appeared: roll back, and the next roll starts again.
          throw new IllegalStateException("roll read " + pending.size() + " pending batches but would delete " + deleted);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE roll_state SET folded_batches = folded_batches + ? WHERE id = ?")) {
        ps.setLong(1, pending.size());
        ps.setInt(2, index + 1);
        ps.executeUpdate();
      }
      return new Folded(pending.size(), last, full);
    }
  }

  private record Pending(long seq, long mirrorId, String project, byte[] payload) {}

  /** {@code full}: the roll stopped at a bound, so more is probably pending. */
  private record Folded(int batches, long lastSeq, boolean full) {}

  private record MirrorCountme(CountmeRow row, long mirrorId) {}

  /** Whether a row of {@code project} counts for a mirror enrolled for {@code mirrorProject} (null: any). */
  static boolean counts(String mirrorProject, String project) {
    return mirrorProject == null || mirrorProject.equals(project);
  }

  private static void mergeCountme(Connection c, CountmeRow cm, long mirrorId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO countme (project, week_start, age_bucket, label, mirror_id, systems) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (project, week_start, age_bucket, label, mirror_id)"
            + " DO UPDATE SET systems = countme.systems + excluded.systems")) {
      ps.setString(1, cm.getProject());
      ps.setLong(2, cm.getWeekStart());
      ps.setInt(3, cm.getAgeBucket());
      ps.setString(4, cm.getLabel());
      ps.setLong(5, mirrorId);
      ps.setLong(6, cm.getSystems());
      ps.executeUpdate();
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (wake) {
      wake.notifyAll();
    }
    for (Shard s : parts) {
      if (s.thread != null) {
        try {
          // A roll in progress commits (or rolls back) before the pool closes; interrupting it
          // could leave the driver's connection in an unknown state.
          s.thread.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
