package io.chasm.wire.stats.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Each artifact's UTF-8 for a whole run (a spool's life), by the delta's dense artifact id
 * ({@link io.chasm.stats.StatsDelta#artifactId}): every step's batches carry nearly every artifact
 * again, and each part encoder encoded each name anew at every step (1.3% of a {@code --state}
 * scan's samples, JFR, w8-A). An entry counts only for the very String it was made from (the
 * agent's catalog gives every row of an artifact the same instance), so an id reused with another
 * name is encoded afresh. Read by the part encoders on all cores without a lock: an entry's
 * fields are final, and a racing write or growth only loses an entry, which is made again.
 */
public final class ArtifactUtf8 {
  private record Entry(String name, byte[] utf8) {}

  private volatile Entry[] byId = new Entry[0];

  /** UTF-8 of {@code name}, the artifact of id {@code id} (-1: none, not kept). Do not modify it. */
  public byte[] of(int id, String name) {
    Entry[] t = byId;
    if (id >= 0 && id < t.length) {
      Entry e = t[id];
      if (e != null && e.name == name) {
        return e.utf8;
      }
    }
    byte[] u = name.getBytes(StandardCharsets.UTF_8);
    if (id >= 0) {
      put(id, new Entry(name, u));
    }
    return u;
  }

  private synchronized void put(int id, Entry e) {
    Entry[] t = byId;
    if (id >= t.length) {
      t = Arrays.copyOf(t, Math.max(id + 1, t.length * 2));
    }
    t[id] = e;
    byId = t;
  }
}
