package io.chasm.stats.internal;

import java.util.Arrays;
import java.util.List;

/** User-agent bot test with a direct-mapped cache: agents repeat, so most lines cost one hash. */
public final class BotMatcher {
  private static final int CACHE = 1024;
  private static final int MAX_KEY = 512;
  private final byte[][] patterns;
  private final byte[][] keys = new byte[CACHE][];
  private final boolean[] vals = new boolean[CACHE];

  public BotMatcher(List<byte[]> lowerPatterns) {
    this.patterns = lowerPatterns.toArray(new byte[0][]);
  }

  public boolean isBot(byte[] b, int s, int e) {
    if (e <= s) {
      return false;
    }
    int len = e - s;
    int slot = len <= MAX_KEY ? ArtifactTable.hash(b, s, e) & (CACHE - 1) : -1;
    if (slot >= 0) {
      byte[] k = keys[slot];
      if (k != null && k.length == len && Arrays.equals(k, 0, len, b, s, e)) {
        return vals[slot];
      }
    }
    boolean bot = false;
    for (byte[] p : patterns) {
      if (Bytes.containsIgnoreCase(b, s, e, p)) {
        bot = true;
        break;
      }
    }
    if (slot >= 0) {
      keys[slot] = Arrays.copyOfRange(b, s, e);
      vals[slot] = bot;
    }
    return bot;
  }
}
