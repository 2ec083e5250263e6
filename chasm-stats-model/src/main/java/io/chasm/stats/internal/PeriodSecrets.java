package io.chasm.stats.internal;

import io.chasm.stats.Window;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secrets keyed into the client hash, one per window (each UTC day, ISO week and calendar
 * month; SPEC §11.9): 128-bit SipHash keys, or 256-bit HMAC keys for windows an earlier release
 * opened ({@link KeyedMac}). A window's secret is made when the first line of that window arrives,
 * derived from the current step's random seed (so a step redone after a crash makes the same
 * secret), persisted only in the agent's state while the window is open, and zeroed and dropped
 * when it closes. Days before {@link #closedBefore()} are closed; a week or month closes with its
 * last day. Lines of a closed window still count downloads and bytes but cannot add to its
 * unique counts.
 */
public final class PeriodSecrets {
  /** A window: its kind and index (see {@link Window}). */
  public record Key(Window window, long index) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = window.compareTo(o.window);
      return c != 0 ? c : Long.compare(index, o.index);
    }
  }

  private final TreeMap<Key, byte[]> secrets = new TreeMap<>();
  private long closedBefore;
  private byte[] seed;
  private boolean legacy;
  // Bumped whenever windows close, so hashers drop MACs they remembered under a now-erased secret.
  private volatile int closings;

  public PeriodSecrets(long closedBefore) {
    this.closedBefore = closedBefore;
  }

  /** Seed for secrets made from now on (random per step, kept in the step's intent record). */
  public void seed(byte[] stepSeed) {
    seed(stepSeed, false);
  }

  /**
   * As {@link #seed(byte[])}; with {@code legacy}, secrets made from now on are the 256-bit HMAC
   * keys of the release before SipHash: for a step that release began and this one redoes, so
   * that its batches come out byte for byte as they did (SPEC §11.6, {@link KeyedMac}).
   */
  public synchronized void seed(byte[] stepSeed, boolean legacy) {
    this.seed = stepSeed.clone();
    this.legacy = legacy;
  }

  /** The first day that is still open (days since the epoch). */
  public synchronized long closedBefore() {
    return closedBefore;
  }

  /** Changes whenever windows close. */
  int closings() {
    return closings;
  }

  /** The secret of a day, made on first use; null when the day is closed. */
  public byte[] secret(long day) {
    return secret(Window.DAY, day);
  }

  /** The secret of a window, made on first use; null when the window is closed. */
  public synchronized byte[] secret(Window w, long index) {
    if (w.lastDay(index) < closedBefore) {
      return null;
    }
    Key k = new Key(w, index);
    byte[] s = secrets.get(k);
    if (s == null) {
      if (seed == null) {
        throw new IllegalStateException("no step seed");
      }
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(seed, "HmacSHA256"));
        // Day secrets keep the label they always had; the kind is in the label, so no window's
        // secret tells anything about another's.
        s = m.doFinal(("chasm-stats-" + w.jsonName() + "-secret:" + index).getBytes(StandardCharsets.US_ASCII));
        if (!legacy) {
          // A SipHash key: the first 128 bits of the same derivation.
          byte[] full = s;
          s = Arrays.copyOf(full, KeyedMac.SECRET);
          Arrays.fill(full, (byte) 0);
        }
      } catch (GeneralSecurityException ex) {
        throw new IllegalStateException("HmacSHA256 unavailable", ex);
      }
      secrets.put(k, s);
    }
    return s;
  }

  /** Restores a persisted day secret. */
  public void put(long day, byte[] secret) {
    put(new Key(Window.DAY, day), secret);
  }

  /** Restores a persisted secret. */
  public synchronized void put(Key k, byte[] secret) {
    secrets.put(k, secret.clone());
  }

  /** Open windows and their secrets, for the state file. */
  public synchronized Map<Key, byte[]> open() {
    return new TreeMap<>(secrets);
  }

  /** Closes every day before {@code day}, and every week and month that ends before it, erasing their secrets. */
  public synchronized void closeBefore(long day) {
    if (day <= closedBefore) {
      return;
    }
    closedBefore = day;
    closings++;
    var it = secrets.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getKey().window().lastDay(e.getKey().index()) < day) {
        Arrays.fill(e.getValue(), (byte) 0);
        it.remove();
      }
    }
  }
}
