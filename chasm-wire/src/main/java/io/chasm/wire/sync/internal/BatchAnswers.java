package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.OriginChange;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One batch's answers: counts what arrived, checks it when the source does not, collects "not held". */
final class BatchAnswers implements ChunkReceiver {
  private final Upstream from;
  private final boolean verified;
  private final Upstreams.Delivery into;
  private final List<Hash> notHeld = new ArrayList<>();
  private final Map<Hash, OriginChange> changed = new HashMap<>();
  private int chunks;
  private long bytes;

  BatchAnswers(Upstream from, boolean verified, Upstreams.Delivery into) {
    this.from = from;
    this.verified = verified;
    this.into = into;
  }

  @Override
  public void chunk(Hash id, byte[] data) throws IOException, ChasmException {
    from.progress();
    if (!verified) {
      verify(id, data);
    }
    synchronized (this) {
      chunks++;
      bytes += data.length;
    }
    into.chunk(id, data);
  }

  private void verify(Hash id, byte[] data) throws HashMismatchException {
    MessageDigest d = id.algorithm().newDigest();
    d.update(data);
    Hash actual = Hash.finish(id.algorithm(), d);
    if (!actual.equals(id)) {
      throw new HashMismatchException("chunk " + id + " from " + from + " does not match its bytes (got " + actual + ")");
    }
  }

  @Override
  public synchronized void notHeld(Hash id) {
    notHeld.add(id);
  }

  @Override
  public synchronized void notHeld(Hash id, OriginChange why) {
    notHeld.add(id);
    changed.put(id, why);
  }

  /** The reasons given for some of the ids not held. */
  synchronized Map<Hash, OriginChange> changed() {
    return Map.copyOf(changed);
  }

  synchronized int chunks() {
    return chunks;
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized List<Hash> notHeld() {
    return List.copyOf(notHeld);
  }
}
