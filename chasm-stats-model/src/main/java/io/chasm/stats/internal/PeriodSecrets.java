package io.chasm.stats.internal;

import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-day secrets keyed into the client hash. A day's secret is made when the first line of
 * that day arrives, derived from the current step's random seed (so a step redone after a crash
 * makes the same secret), persisted only in the agent's state while the day is open, and erased
 * when the day closes. Days before {@link #closedBefore()} have no secret: their late lines still
 * count downloads and bytes but cannot add to unique counts.
 */
public final class PeriodSecrets {
  private final TreeMap<Long, byte[]> secrets = new TreeMap<>();
  private long closedBefore;
  private byte[] seed;

  public PeriodSecrets(long closedBefore) {
    this.closedBefore = closedBefore;
  }

  /** Seed for secrets made from now on (random per step, kept in the step's intent record). */
  public synchronized void seed(byte[] stepSeed) {
    this.seed = stepSeed.clone();
  }

  public synchronized long closedBefore() {
    return closedBefore;
  }

  /** The secret of a day, made on first use; null when the day is closed. */
  public synchronized byte[] secret(long day) {
    if (day < closedBefore) {
      return null;
    }
    byte[] s = secrets.get(day);
    if (s == null) {
      if (seed == null) {
        throw new IllegalStateException("no step seed");
      }
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(seed, "HmacSHA256"));
        s = m.doFinal(("chasm-stats-day-secret:" + day).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      } catch (GeneralSecurityException ex) {
        throw new IllegalStateException("HmacSHA256 unavailable", ex);
      }
      secrets.put(day, s);
    }
    return s;
  }

  /** Restores a persisted secret. */
  public synchronized void put(long day, byte[] secret) {
    secrets.put(day, secret.clone());
  }

  /** Open days and their secrets, for the state file. */
  public synchronized Map<Long, byte[]> open() {
    return new TreeMap<>(secrets);
  }

  /** Closes (and erases the secrets of) every day before {@code day}. */
  public synchronized void closeBefore(long day) {
    if (day <= closedBefore) {
      return;
    }
    closedBefore = day;
    var head = secrets.headMap(day);
    for (byte[] s : head.values()) {
      java.util.Arrays.fill(s, (byte) 0);
    }
    head.clear();
  }
}
