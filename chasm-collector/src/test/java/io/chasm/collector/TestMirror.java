package io.chasm.collector;

import com.google.protobuf.ByteString;
import io.chasm.api.trust.PublicKey;
import io.chasm.wire.proto.stats.Granularity;
import io.chasm.wire.proto.stats.SignedStatsBatch;
import io.chasm.wire.proto.stats.StatsBatch;
import io.chasm.wire.proto.stats.StatsRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.datasketches.hll.HllSketch;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;

/** A mirror's side in tests: an Ed25519 key and batches signed with it. */
public final class TestMirror {
  final String name;
  private final Ed25519Signer signer;

  public TestMirror(String name) {
    this.name = name;
    this.signer = Ed25519.generate();
  }

  /** A mirror whose key comes from {@code seed} (32 bytes), the same in every run. */
  public TestMirror(String name, byte[] seed) {
    this.name = name;
    this.signer = Ed25519.signer(seed);
  }

  public String name() {
    return name;
  }

  public Ed25519Signer signer() {
    return signer;
  }

  public PublicKey publicKey() {
    return signer.publicKey();
  }

  public byte[] sign(byte[] message) {
    return signer.sign(message);
  }

  /** A SignedStatsBatch body over exactly {@code batch}'s bytes. */
  public byte[] signed(StatsBatch batch) {
    byte[] bytes = batch.toByteArray();
    return SignedStatsBatch.newBuilder()
        .setBatch(ByteString.copyFrom(bytes))
        .setSignatureAlgorithm(1)
        .setPublicKey(ByteString.copyFrom(publicKey().raw()))
        .setSignature(ByteString.copyFrom(sign(bytes)))
        .build()
        .toByteArray();
  }

  /** A batch builder with a batch id derived from {@code label}. */
  public StatsBatch.Builder batch(String label) {
    return StatsBatch.newBuilder()
        .setFormatVersion(1)
        .setBatchId(ByteString.copyFrom(sha256(name + "/" + label)))
        .setMirrorId(name)
        .setCreatedUnix(1_700_000_000L);
  }

  /** A DAY row whose sketch holds the given downloader labels. */
  public static StatsRow day(LocalDate day, String project, String artifact, String type, long downloads, long bytes,
      String... downloaders) {
    return row(Granularity.DAY, day.atStartOfDay(ZoneOffset.UTC).toEpochSecond(), project, artifact, type, "http",
        downloads, bytes, downloaders);
  }

  public static StatsRow row(Granularity g, long periodStart, String project, String artifact, String type,
      String protocol, long downloads, long bytes, String... downloaders) {
    StatsRow.Builder b = StatsRow.newBuilder()
        .setGranularity(g)
        .setPeriodStart(periodStart)
        .setProject(project)
        .setArtifact(artifact)
        .setType(type)
        .setProtocol(protocol)
        .setDownloads(downloads)
        .setBytes(bytes);
    if (downloaders.length > 0) {
      HllSketch s = new HllSketch(12);
      for (String d : downloaders) {
        s.update(d);
      }
      b.setUniqueSketch(ByteString.copyFrom(s.toCompactByteArray()));
    }
    return b.build();
  }

  /**
   * The batch with, for each DAY row's sketch, the WEEK and MONTH rows an agent with window secrets
   * sends (the same downloaders, united per window): as if each came on that one day of the window.
   */
  public static StatsBatch windowed(StatsBatch.Builder b) {
    java.util.Map<java.util.List<Object>, org.apache.datasketches.hll.Union> windows = new java.util.LinkedHashMap<>();
    for (StatsRow r : b.getRowsList()) {
      if (r.getGranularity() != Granularity.DAY || r.getUniqueSketch().isEmpty()) {
        continue;
      }
      LocalDate d = LocalDate.ofEpochDay(r.getPeriodStart() / 86400);
      for (Granularity g : new Granularity[] {Granularity.WEEK, Granularity.MONTH}) {
        LocalDate start = g == Granularity.WEEK ? d.minusDays(d.getDayOfWeek().getValue() - 1) : d.withDayOfMonth(1);
        windows.computeIfAbsent(java.util.List.of(g, start, r.getProject(), r.getArtifact(), r.getType(), r.getProtocol()),
            k -> new org.apache.datasketches.hll.Union(12)).update(HllSketch.heapify(r.getUniqueSketch().toByteArray()));
      }
    }
    windows.forEach((k, u) -> b.addRows(StatsRow.newBuilder().setGranularity((Granularity) k.get(0))
        .setPeriodStart(((LocalDate) k.get(1)).atStartOfDay(ZoneOffset.UTC).toEpochSecond()).setProject((String) k.get(2))
        .setArtifact((String) k.get(3)).setType((String) k.get(4)).setProtocol((String) k.get(5))
        .setUniqueSketch(ByteString.copyFrom(u.getResult().toCompactByteArray()))));
    return b.build();
  }

  /** {@code n} distinct downloader labels with a prefix. */
  public static String[] people(String prefix, int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = prefix + i;
    }
    return out;
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
