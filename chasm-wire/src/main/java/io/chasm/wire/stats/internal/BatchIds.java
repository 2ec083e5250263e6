package io.chasm.wire.stats.internal;

import io.chasm.stats.Coverage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** The deterministic batch id of SPEC §11.1; {@code io.chasm.wire.stats.StatsBatches#batchId} is its public face. */
public final class BatchIds {
  private static final byte[] DOMAIN = "chasm-stats-batch-v1\0".getBytes(StandardCharsets.US_ASCII);

  private BatchIds() {}

  /** SPEC §11.1 for part {@code part} of {@code parts}; appends both as u32 when parts > 1. */
  public static byte[] batchId(String mirrorId, List<Coverage> coverage, List<long[]> periods,
      int part, int parts) {
    try {
      ByteArrayOutputStream bo = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bo);
      out.write(DOMAIN);
      byte[] m = mirrorId.getBytes(StandardCharsets.UTF_8);
      out.writeInt(m.length);
      out.write(m);
      out.writeInt(coverage.size());
      for (Coverage c : coverage) {
        byte[] id = c.fileIdentity();
        if (id.length != 32) {
          throw new IllegalArgumentException("file identity must be 32 bytes");
        }
        out.write(id);
        out.writeLong(c.start());
        out.writeLong(c.end());
      }
      out.writeInt(periods.size());
      for (long[] p : periods) {
        out.writeByte((int) p[0]);
        out.writeLong(p[1]);
      }
      if (parts > 1) {
        out.writeInt(part);
        out.writeInt(parts);
      }
      out.flush();
      return MessageDigest.getInstance("SHA-256").digest(bo.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
