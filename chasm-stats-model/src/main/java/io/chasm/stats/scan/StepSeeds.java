package io.chasm.stats.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where each scan step's seed comes from. A step's day secrets are derived from its seed, so
 * production seeds are random ({@link LogScanner.Options#seeds} left null: fresh random bytes,
 * recorded in the state directory until the step commits so a step redone after a crash gets the
 * same one).
 */
@FunctionalInterface
public interface StepSeeds {
  /**
   * The 32-byte seed of the step that advances the state from {@code generation}; asked again for
   * the same generation (a redone step), it must answer the same.
   */
  byte[] seed(long generation) throws IOException;

  /**
   * Seeds derived from {@code master}: two scans of the same logs with the same master make the
   * same batches, byte for byte (reproducible runs, e.g. comparing a killed and resumed scan with
   * an uninterrupted one). Whoever knows the master can recompute every day secret, and with it
   * link the keyed client hashes: not for production.
   */
  static StepSeeds derivedFrom(byte[] master) {
    byte[] m = master.clone();
    return generation -> {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(m);
        md.update(Long.toString(generation).getBytes(StandardCharsets.UTF_8));
        return md.digest();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    };
  }
}
