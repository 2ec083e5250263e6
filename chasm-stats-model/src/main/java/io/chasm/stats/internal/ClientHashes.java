package io.chasm.stats.internal;

import io.chasm.stats.Window;
import java.util.Arrays;

/**
 * A client address's keyed hashes for its day, ISO week and calendar month, each under that
 * window's own secret ({@link KeyedMac}): the only form in which a client ever reaches a sketch.
 * Computed for every line: a SipHash of an address costs less than looking it up in a cache of a
 * day's clients (w6-C: JMH {@code ClientHashBenchmark}, the scan's profile; the cache's table and
 * arena were 17.6 MB per worker, mostly cache misses). Each window kind keeps a hash keyed for an
 * even and one for an odd window, so lines that alternate between two neighbouring windows (logs
 * of several servers merged around midnight) do not re-key on every line; when any window closes,
 * every key is dropped, so a destroyed secret's hashes are never handed out again.
 */
public final class ClientHashes {
  private static final Window[] KINDS = {Window.DAY, Window.WEEK, Window.MONTH};
  private final PeriodSecrets secrets;
  private int closings;
  // At 2 * kind + (window & 1): the window the MAC is keyed for, and whether it is closed.
  private final KeyedMac[] macs = new KeyedMac[6];
  private final long[] macIndex = new long[6];
  private final boolean[] macClosed = new boolean[6];
  /** The hashes of the last {@link #of} call; 0 where the window is closed. */
  public long day, week, month;

  public ClientHashes(PeriodSecrets secrets) {
    this.secrets = secrets;
    for (int i = 0; i < macs.length; i++) {
      macs[i] = new KeyedMac();
    }
    Arrays.fill(macIndex, Long.MIN_VALUE);
  }

  /** Sets {@link #day}, {@link #week} and {@link #month} for the address {@code b[s, e)}. */
  public void of(long dayIndex, long weekIndex, long monthIndex, byte[] b, int s, int e) {
    int c = secrets.closings();
    if (c != closings) {
      closings = c;
      Arrays.fill(macIndex, Long.MIN_VALUE);
    }
    int len = e - s;
    day = compute(0, dayIndex, b, s, len);
    week = compute(1, weekIndex, b, s, len);
    month = compute(2, monthIndex, b, s, len);
  }

  private long compute(int kind, long index, byte[] b, int s, int len) {
    int k = 2 * kind + (int) (index & 1);
    if (macIndex[k] != index) {
      byte[] secret = secrets.secret(KINDS[kind], index);
      macClosed[k] = secret == null;
      if (secret != null) {
        macs[k].key(secret);
      }
      macIndex[k] = index;
    }
    return macClosed[k] ? 0 : macs[k].mac(b, s, len);
  }
}
