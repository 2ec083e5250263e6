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
import io.chasm.wire.proto.stats.CountmeRow;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.collector.internal.StatsRows.RowKey;
import io.chasm.wire.proto.stats.SignedStatsBatch;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.proto.stats.StatsRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a submitted SignedStatsBatch and counts it exactly once: the verified batch goes to the
 * {@link GroupCommitter}, whose transaction claims its batch id and keeps its bytes for the {@link
 * Roller}; the roller folds it into the aggregates in a transaction that also deletes its pending
 * row. So a resend, a concurrent duplicate or a crash at any point can neither double-count nor
 * half-count a batch.
 */
public final class BatchIngester {
  private static final Logger LOG = LoggerFactory.getLogger(BatchIngester.class);
  private static final HexFormat HEX = HexFormat.of();
  static final int MAX_PROJECT = 200;
  static final int MAX_ARTIFACT = 4096;
  static final int MAX_LABEL = 64;

  private final MirrorDao mirrors;
  private final SignatureVerifier verifier;
  private final GroupCommitter committer;

  public BatchIngester(MirrorDao mirrors, SignatureVerifier verifier, GroupCommitter committer) {
    this.mirrors = mirrors;
    this.verifier = verifier;
    this.committer = committer;
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
    MirrorSnapshots.check(batch);
    String batchId = HEX.formatHex(batch.getBatchId().toByteArray());
    String content = contentHash(batch);

    int dropped = 0;
    Set<RowKey> keys = new HashSet<>();
    long downloads = 0;
    long bytes = 0;
    String only = mirror.project().orElse(null);
    for (StatsRow r : batch.getRowsList()) {
      if (!Roller.counts(only, r.getProject())) {
        dropped++;
        continue;
      }
      keys.add(new RowKey(r.getGranularityValue(), r.getProject(), r.getPeriodStart(), r.getArtifact(), r.getType(),
          r.getProtocol()));
      if (r.getGranularity() == Granularity.DAY) {
        downloads += r.getDownloads();
        bytes += r.getBytes();
      }
    }
    GroupCommitter.Verdict verdict =
        committer.submit(new GroupCommitter.Submission(mirror, batchId, content, batch, batchBytes, downloads, bytes));
    if (verdict == GroupCommitter.Verdict.CONFLICT) {
      alert(mirror, "batch-conflict", "batch " + batchId + " resent by mirror " + mirror.name() + " with different content");
      throw new BatchRejectedException(
          Reason.CONFLICT, "batch " + batchId + " was accepted before with different content");
    }
    if (verdict == GroupCommitter.Verdict.DUPLICATE) {
      return new IngestOutcome(batchId, true, 0, 0);
    }
    if (dropped > 0) {
      alert(mirror, "foreign-project", dropped + " rows of batch " + batchId + " are outside project "
          + mirror.project().orElse("") + " and were not counted");
    }
    return new IngestOutcome(batchId, false, keys.size(), dropped);
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
      int g = r.getGranularityValue();
      if (g < Windows.HOUR || g > Windows.MONTH) {
        throw malformed("row granularity must be HOUR, DAY, WEEK or MONTH");
      }
      if (!Windows.aligned(g, r.getPeriodStart())) {
        throw malformed("row period_start " + r.getPeriodStart() + " is not aligned to its granularity");
      }
      if (g >= Windows.WEEK && (r.getDownloads() != 0 || r.getBytes() != 0 || r.getBotRequests() != 0)) {
        throw malformed("a " + r.getGranularity() + " row carries only unique_sketch; its counters must be 0");
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
   * The batch's content identity: SHA-256 of its deterministic re-encoding without created_unix
   * and mirror_snapshot (SPEC §11.14, §11.19), so the same work rebuilt or resent at another time
   * is a duplicate, not a conflict.
   */
  static String contentHash(StatsBatch b) {
    try {
      StatsBatch canonical = b.toBuilder().clearCreatedUnix().clearMirrorSnapshot().build();
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

  private void alert(Mirror m, String kind, String detail) {
    LOG.warn("ALERT {}: {}", kind, detail);
    try {
      mirrors.recordAlert(m.id(), kind, detail);
    } catch (SQLException e) {
      LOG.warn("could not record alert: {}", e.getMessage());
    }
  }
}
