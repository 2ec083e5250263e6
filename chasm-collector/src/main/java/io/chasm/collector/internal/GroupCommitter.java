package io.chasm.collector.internal;

import io.chasm.collector.internal.db.Database;
import io.chasm.collector.model.Mirror;
import io.chasm.wire.proto.stats.StatsBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of submissions: request threads hand it verified batches, it commits whatever
 * has queued meanwhile in one transaction (the batch-id rows that are the dedup, one pending row
 * per new batch with its payload for the {@link Roller}, the mirrors' counts and snapshot reports)
 * and then answers each. One fsync per group instead of per batch, and no rollup row is touched
 * while a sender waits.
 */
public final class GroupCommitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
  /** Batches per transaction at most (bind parameters and memory stay small). */
  static final int MAX_GROUP = 500;

  /** What became of a submission. */
  public enum Verdict { NEW, DUPLICATE, CONFLICT }

  /** A verified batch: {@code payload} the signed StatsBatch bytes, {@code content} its content hash. */
  public record Submission(Mirror mirror, String batchId, String content, StatsBatch batch, byte[] payload,
      long downloads, long bytes) {}

  private record Queued(Submission s, CompletableFuture<Verdict> done) {}

  private record Written(Verdict[] verdicts, long lastSeq) {}

  private record PendingRow(long seq, Submission s) {}

  private static final Queued STOP = new Queued(null, null);

  private final Database db;
  private final Roller roller;
  private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private long nextSeq = 1;
  private volatile boolean closed;

  public GroupCommitter(Database db, Roller roller) {
    this.db = db;
    this.roller = roller;
    this.thread = new Thread(this::loop, "chasm-collector-group-commit");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Waits until {@code s} is committed (or found to be a duplicate or conflict).
   *
   * @throws SQLException if the group's transaction failed (nothing of it was kept; retry)
   */
  public Verdict submit(Submission s) throws SQLException {
    CompletableFuture<Verdict> done = new CompletableFuture<>();
    if (closed) {
      throw new SQLException("the collector is shutting down; retry later");
    }
    queue.add(new Queued(s, done));
    try {
      return done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while the batch was being committed; retry", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new SQLException("group commit failed: " + e.getCause(), e.getCause());
    }
  }

  private void loop() {
    List<Queued> group = new ArrayList<>();
    while (true) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      boolean stop = group.remove(STOP);
      if (!group.isEmpty()) {
        commit(group);
      }
      group.clear();
      if (stop) {
        // A submission that raced with close() is refused rather than left waiting.
        queue.drainTo(group);
        group.forEach(q -> q.done.completeExceptionally(new SQLException("the collector is shutting down; retry later")));
        return;
      }
    }
  }

  private void commit(List<Queued> group) {
    long now = System.currentTimeMillis() / 1000;
    try {
      Written w = db.inTransaction(c -> write(c, group, now));
      // Known to the roller only once committed: a retried transaction numbers them again.
      if (w.lastSeq > 0) {
        nextSeq = w.lastSeq + 1;
        roller.acknowledged(w.lastSeq, (int) Arrays.stream(w.verdicts).filter(v -> v == Verdict.NEW).count());
      }
      for (int i = 0; i < group.size(); i++) {
        group.get(i).done.complete(w.verdicts[i]);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("group commit of {} batches failed: {}", group.size(), e.getMessage());
      group.forEach(q -> q.done.completeExceptionally(e));
    }
  }

  private Written write(Connection c, List<Queued> group, long now) throws SQLException {
    Map<String, String> known = existing(c, group);
    Verdict[] verdicts = new Verdict[group.size()];
    List<Submission> fresh = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      Submission s = group.get(i).s;
      String had = known.putIfAbsent(s.batchId, s.content);
      verdicts[i] = had == null ? Verdict.NEW : had.equals(s.content) ? Verdict.DUPLICATE : Verdict.CONFLICT;
      if (had == null) {
        fresh.add(s);
      }
    }
    long seq = Math.max(nextSeq, maxPendingSeq(c) + 1);
    long first = seq;
    if (!fresh.isEmpty()) {
      MultiRow.insert(c, "batches", List.of("batch_id", "mirror_id", "content_sha256", "received_unix", "row_count",
          "downloads", "bytes", "lines_total", "lines_rejected"), fresh, (ps, i, s) -> {
            ps.setString(i++, s.batchId);
            ps.setLong(i++, s.mirror.id());
            ps.setString(i++, s.content);
            ps.setLong(i++, now);
            ps.setInt(i++, s.batch.getRowsCount());
            ps.setLong(i++, s.downloads);
            ps.setLong(i++, s.bytes);
            ps.setLong(i++, s.batch.getTotals().getLinesTotal());
            ps.setLong(i++, s.batch.getTotals().getLinesRejected());
            return i;
          });
      List<PendingRow> pending = new ArrayList<>();
      for (Submission s : fresh) {
        pending.add(new PendingRow(seq++, s));
      }
      MultiRow.insert(c, "pending_rolls", List.of("seq", "mirror_id", "payload"), pending, (ps, i, p) -> {
        ps.setLong(i++, p.seq);
        ps.setLong(i++, p.s.mirror.id());
        ps.setBytes(i++, p.s.payload);
        return i;
      });
      countBatches(c, fresh, now);
    }
    for (int i = 0; i < group.size(); i++) {
      if (verdicts[i] != Verdict.CONFLICT) {
        Submission s = group.get(i).s;
        MirrorSnapshots.record(c, s.mirror.id(), s.batch, now);
      }
    }
    return new Written(verdicts, seq > first ? seq - 1 : 0);
  }

  private static Map<String, String> existing(Connection c, List<Queued> group) throws SQLException {
    Map<String, String> known = new HashMap<>();
    String marks = "?, ".repeat(group.size() - 1) + "?";
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT batch_id, content_sha256 FROM batches WHERE batch_id IN (" + marks + ")")) {
      for (int i = 0; i < group.size(); i++) {
        ps.setString(i + 1, group.get(i).s.batchId);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          known.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return known;
  }

  private static long maxPendingSeq(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM pending_rolls");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Each mirror's batch count and last-batch time, once per mirror, in id order. */
  private static void countBatches(Connection c, List<Submission> fresh, long now) throws SQLException {
    TreeMap<Long, Integer> perMirror = new TreeMap<>();
    fresh.forEach(s -> perMirror.merge(s.mirror.id(), 1, Integer::sum));
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE mirrors SET batches = batches + ?, last_batch_unix = ? WHERE id = ?")) {
      for (Map.Entry<Long, Integer> e : perMirror.entrySet()) {
        ps.setInt(1, e.getValue());
        ps.setLong(2, now);
        ps.setLong(3, e.getKey());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Answers what is queued, then stops; later submissions are refused (retryable). */
  @Override
  public void close() {
    closed = true;
    queue.add(STOP);
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
