package io.chasm.collector.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.chasm.api.SignatureException;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureAlgorithm;
import io.chasm.api.trust.SignatureVerifier;
import io.chasm.collector.model.BatchRejectedException;
import io.chasm.collector.model.BatchRejectedException.Reason;
import io.chasm.collector.model.IngestOutcome;
import io.chasm.collector.model.Mirror;
import io.chasm.collector.internal.db.Database;
import io.chasm.wire.proto.stats.CountmeRow;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.wire.proto.stats.SignedStatsBatch;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.proto.stats.StatsRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a submitted SignedStatsBatch and counts it exactly once: the batch-id row and every
 * aggregate it changes are written in one transaction, so a resend, a concurrent duplicate or a
 * crash mid-way can neither double-count nor half-count a batch.
 */
public final class BatchIngester {
  private static final Logger LOG = LoggerFactory.getLogger(BatchIngester.class);
  private static final HexFormat HEX = HexFormat.of();
  static final int MAX_PROJECT = 200;
  static final int MAX_ARTIFACT = 4096;
  static final int MAX_LABEL = 64;

  private final Database db;
  private final MirrorDao mirrors;
  private final SignatureVerifier verifier;

  public BatchIngester(Database db, MirrorDao mirrors, SignatureVerifier verifier) {
    this.db = db;
    this.mirrors = mirrors;
    this.verifier = verifier;
  }

  /**
   * @throws BatchRejectedException if the batch is refused (nothing was counted)
   * @throws SQLException if the database failed (nothing was counted; the sender should retry)
   */
  public IngestOutcome ingest(byte[] body) throws BatchRejectedException, SQLException {
    SignedStatsBatch signed;
    try {
      signed = SignedStatsBatch.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new BatchRejectedException(Reason.MALFORMED, "body is not a SignedStatsBatch");
    }
    if (signed.getSignatureAlgorithm() != SignatureAlgorithm.ED25519.code()) {
      throw new BatchRejectedException(
          Reason.MALFORMED, "unsupported signature algorithm " + signed.getSignatureAlgorithm());
    }
    if (signed.getPublicKey().size() != SignatureAlgorithm.ED25519.publicKeyLength()) {
      throw new BatchRejectedException(Reason.MALFORMED, "public key must be 32 bytes");
    }
    PublicKey key = PublicKey.of(SignatureAlgorithm.ED25519, signed.getPublicKey().toByteArray());
    Optional<Mirror> found = mirrors.byKey(key);
    if (found.isEmpty()) {
      throw new BatchRejectedException(Reason.UNAUTHENTICATED, "key " + key.keyId() + " is not enrolled");
    }
    Mirror mirror = found.get();
    byte[] batchBytes = signed.getBatch().toByteArray();
    try {
      verifier.verify(key, batchBytes, signed.getSignature().toByteArray());
    } catch (SignatureException e) {
      alert(mirror, "bad-signature", "signature does not verify for mirror " + mirror.name());
      throw new BatchRejectedException(Reason.UNAUTHENTICATED, "bad signature for mirror " + mirror.name());
    }
    if (mirror.revoked()) {
      throw new BatchRejectedException(Reason.FORBIDDEN, "mirror " + mirror.name() + " is revoked");
    }
    StatsBatch batch;
    try {
      batch = StatsBatch.parseFrom(batchBytes);
    } catch (InvalidProtocolBufferException e) {
      throw new BatchRejectedException(Reason.MALFORMED, "signed bytes are not a StatsBatch");
    }
    validate(batch, mirror);
    String batchId = HEX.formatHex(batch.getBatchId().toByteArray());
    String content = contentHash(batch);

    List<RowKey> dropped = new ArrayList<>();
    TreeMap<RowKey, Agg> rows = new TreeMap<>();
    long downloads = 0;
    long bytes = 0;
    for (StatsRow r : batch.getRowsList()) {
      RowKey k = new RowKey(r.getGranularityValue(), r.getProject(), r.getPeriodStart(), r.getArtifact(),
          r.getType(), r.getProtocol());
      if (mirror.project().isPresent() && !mirror.project().get().equals(r.getProject())) {
        dropped.add(k);
        continue;
      }
      Agg a = new Agg(r.getDownloads(), r.getBytes(), r.getBotRequests(), r.getUniqueSketch().toByteArray());
      rows.merge(k, a, Agg::plus);
      if (r.getGranularity() == Granularity.DAY) {
        downloads += r.getDownloads();
        bytes += r.getBytes();
      }
    }
    long now = System.currentTimeMillis() / 1000;
    long dl = downloads;
    long by = bytes;
    Boolean inserted =
        db.inTransaction(
            c -> {
              if (!claimBatchId(c, batchId, mirror, content, now, batch, dl, by)) {
                String existing = existingContent(c, batchId);
                if (!content.equals(existing)) {
                  return null;
                }
                return false;
              }
              // Rows in key order: concurrent batches lock aggregate rows in the same order on
              // PostgreSQL and so cannot deadlock each other.
              mergeRows(c, rows, mirror.id());
              for (CountmeRow cm : batch.getCountmeList()) {
                if (mirror.project().isEmpty() || mirror.project().get().equals(cm.getProject())) {
                  mergeCountme(c, cm, mirror.id());
                }
              }
              try (PreparedStatement ps = c.prepareStatement(
                  "UPDATE mirrors SET batches = batches + 1, last_batch_unix = ? WHERE id = ?")) {
                ps.setLong(1, now);
                ps.setLong(2, mirror.id());
                ps.executeUpdate();
              }
              return true;
            });
    if (inserted == null) {
      alert(mirror, "batch-conflict", "batch " + batchId + " resent by mirror " + mirror.name() + " with different content");
      throw new BatchRejectedException(
          Reason.CONFLICT, "batch " + batchId + " was accepted before with different content");
    }
    if (!inserted) {
      return new IngestOutcome(batchId, true, 0, 0);
    }
    if (!dropped.isEmpty()) {
      alert(mirror, "foreign-project", dropped.size() + " rows of batch " + batchId + " are outside project "
          + mirror.project().orElse("") + " and were not counted");
    }
    return new IngestOutcome(batchId, false, rows.size(), dropped.size());
  }

  // WEEK: a Monday 00:00 UTC (1970-01-05 was one); MONTH: the 1st of a month 00:00 UTC.
  private static boolean aligned(long start, Granularity g) {
    return g == Granularity.HOUR ? start % 3600 == 0 : start % 86400 == 0
        && (g != Granularity.WEEK || (start / 86400 - 4) % 7 == 0)
        && (g != Granularity.MONTH || java.time.LocalDate.ofEpochDay(start / 86400).getDayOfMonth() == 1);
  }

  private static void validate(StatsBatch b, Mirror mirror) throws BatchRejectedException {
    if (b.getFormatVersion() != 1) {
      throw malformed("unsupported format_version " + b.getFormatVersion());
    }
    if (b.getBatchId().size() != 32) {
      throw malformed("batch_id must be 32 bytes, got " + b.getBatchId().size());
    }
    if (!b.getMirrorId().equals(mirror.name())) {
      throw new BatchRejectedException(
          Reason.FORBIDDEN, "batch names mirror '" + b.getMirrorId() + "' but is signed by mirror " + mirror.name());
    }
    for (StatsRow r : b.getRowsList()) {
      Granularity g = r.getGranularity();
      if (g != Granularity.HOUR && g != Granularity.DAY && g != Granularity.WEEK && g != Granularity.MONTH) {
        throw malformed("row granularity must be HOUR, DAY, WEEK or MONTH");
      }
      if ((g == Granularity.WEEK || g == Granularity.MONTH) // SPEC §11.9: only the window's sketch
          && (r.getDownloads() != 0 || r.getBytes() != 0 || r.getBotRequests() != 0)) {
        throw malformed("a " + g + " row carries only unique_sketch; its counters must be 0");
      }
      if (r.getPeriodStart() < 0 || !aligned(r.getPeriodStart(), g)) {
        throw malformed("row period_start " + r.getPeriodStart() + " is not aligned to its granularity");
      }
      text(r.getProject(), "project", MAX_PROJECT, false);
      text(r.getArtifact(), "artifact", MAX_ARTIFACT, false);
      text(r.getType(), "type", MAX_LABEL, false);
      text(r.getProtocol(), "protocol", MAX_LABEL, false);
      if (r.getArtifact().indexOf('?') >= 0) {
        throw malformed("artifact must not contain a query string");
      }
      if (r.getDownloads() < 0 || r.getBytes() < 0 || r.getBotRequests() < 0) {
        throw malformed("row counter exceeds 2^63-1");
      }
      if (!r.getUniqueSketch().isEmpty()) {
        try {
          Sketches.parse(r.getUniqueSketch().toByteArray());
        } catch (IllegalArgumentException e) {
          throw malformed("row unique_sketch: " + e.getMessage());
        }
      }
    }
    for (CountmeRow cm : b.getCountmeList()) {
      text(cm.getProject(), "countme project", MAX_PROJECT, false);
      text(cm.getLabel(), "countme label", MAX_PROJECT, true);
      if (cm.getWeekStart() < 0 || cm.getSystems() < 0 || cm.getAgeBucket() > 100) {
        throw malformed("countme row out of range");
      }
    }
  }

  private static void text(String s, String what, int max, boolean mayBeEmpty) throws BatchRejectedException {
    if ((!mayBeEmpty && s.isEmpty()) || s.length() > max) {
      throw malformed("row " + what + " must be 1.." + max + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw malformed("row " + what + " contains a control character");
      }
    }
  }

  private static BatchRejectedException malformed(String m) {
    return new BatchRejectedException(Reason.MALFORMED, m);
  }

  /**
   * The batch's content identity: SHA-256 of its deterministic re-encoding without created_unix,
   * so the same work rebuilt at another time is a duplicate, not a conflict.
   */
  static String contentHash(StatsBatch b) {
    try {
      StatsBatch canonical = b.toBuilder().clearCreatedUnix().build();
      ByteArrayOutputStream out = new ByteArrayOutputStream(canonical.getSerializedSize());
      CodedOutputStream cos = CodedOutputStream.newInstance(out);
      cos.useDeterministicSerialization();
      canonical.writeTo(cos);
      cos.flush();
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean claimBatchId(Connection c, String batchId, Mirror m, String content, long now,
      StatsBatch b, long downloads, long bytes) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO batches (batch_id, mirror_id, content_sha256, received_unix, row_count, downloads, bytes,"
            + " lines_total, lines_rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch_id) DO NOTHING")) {
      ps.setString(1, batchId);
      ps.setLong(2, m.id());
      ps.setString(3, content);
      ps.setLong(4, now);
      ps.setInt(5, b.getRowsCount());
      ps.setLong(6, downloads);
      ps.setLong(7, bytes);
      ps.setLong(8, b.getTotals().getLinesTotal());
      ps.setLong(9, b.getTotals().getLinesRejected());
      return ps.executeUpdate() == 1;
    }
  }

  private static String existingContent(Connection c, String batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT content_sha256 FROM batches WHERE batch_id = ?")) {
      ps.setString(1, batchId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /**
   * Inserts every new aggregate row in one JDBC batch (a fresh period is the common case), then
   * merges the rows that existed already, one by one under a row lock.
   */
  private void mergeRows(Connection c, TreeMap<RowKey, Agg> rows, long mirrorId) throws SQLException {
    List<java.util.Map.Entry<RowKey, Agg>> entries = new ArrayList<>(rows.entrySet());
    int[] inserted;
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO stats (granularity, project, period_start, artifact, type, protocol, mirror_id, downloads,"
            + " bytes, bot_requests, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (granularity, project, period_start, artifact, type, protocol, mirror_id) DO NOTHING")) {
      for (var e : entries) {
        Agg a = e.getValue();
        int i = e.getKey().bind(ins, 1);
        ins.setLong(i++, mirrorId);
        ins.setLong(i++, a.downloads);
        ins.setLong(i++, a.bytes);
        ins.setLong(i++, a.bots);
        ins.setBytes(i, a.sketch.length == 0 ? null : a.sketch);
        ins.addBatch();
      }
      inserted = ins.executeBatch();
    }
    for (int n = 0; n < entries.size(); n++) {
      // SUCCESS_NO_INFO would leave us unsure: treat only an explicit 0 as "existed".
      if (inserted[n] == 0) {
        mergeExisting(c, entries.get(n).getKey(), entries.get(n).getValue(), mirrorId);
      }
    }
  }

  private void mergeExisting(Connection c, RowKey k, Agg a, long mirrorId) throws SQLException {
    String where = " WHERE granularity = ? AND project = ? AND period_start = ? AND artifact = ? AND type = ?"
        + " AND protocol = ? AND mirror_id = ?";
    byte[] old;
    try (PreparedStatement sel = c.prepareStatement("SELECT sketch FROM stats" + where + db.dialect().forUpdate())) {
      int i = k.bind(sel, 1);
      sel.setLong(i, mirrorId);
      try (ResultSet rs = sel.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("aggregate row vanished during merge", "40001");
        }
        old = rs.getBytes(1);
      }
    }
    byte[] merged = Sketches.merge(old, a.sketch);
    try (PreparedStatement up = c.prepareStatement(
        "UPDATE stats SET downloads = downloads + ?, bytes = bytes + ?, bot_requests = bot_requests + ?, sketch = ?"
            + where)) {
      up.setLong(1, a.downloads);
      up.setLong(2, a.bytes);
      up.setLong(3, a.bots);
      up.setBytes(4, merged == null || merged.length == 0 ? null : merged);
      int i = k.bind(up, 5);
      up.setLong(i, mirrorId);
      up.executeUpdate();
    }
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

  private void alert(Mirror m, String kind, String detail) {
    LOG.warn("ALERT {}: {}", kind, detail);
    try {
      mirrors.recordAlert(m.id(), kind, detail);
    } catch (SQLException e) {
      LOG.warn("could not record alert: {}", e.getMessage());
    }
  }

  /** Primary key of an aggregate row, less the mirror. Ordered for lock ordering. */
  record RowKey(int granularity, String project, long periodStart, String artifact, String type, String protocol)
      implements Comparable<RowKey> {
    int bind(PreparedStatement ps, int i) throws SQLException {
      ps.setInt(i++, granularity);
      ps.setString(i++, project);
      ps.setLong(i++, periodStart);
      ps.setString(i++, artifact);
      ps.setString(i++, type);
      ps.setString(i++, protocol);
      return i;
    }

    @Override
    public int compareTo(RowKey o) {
      int c = Integer.compare(granularity, o.granularity);
      if (c == 0) c = project.compareTo(o.project);
      if (c == 0) c = Long.compare(periodStart, o.periodStart);
      if (c == 0) c = artifact.compareTo(o.artifact);
      if (c == 0) c = type.compareTo(o.type);
      if (c == 0) c = protocol.compareTo(o.protocol);
      return c;
    }
  }

  record Agg(long downloads, long bytes, long bots, byte[] sketch) {
    Agg plus(Agg o) {
      return new Agg(downloads + o.downloads, bytes + o.bytes, bots + o.bots, Sketches.merge(sketch, o.sketch));
    }
  }
}
