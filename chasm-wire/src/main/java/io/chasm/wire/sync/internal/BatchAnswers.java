package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.HashMismatchException;
import io.chasm.api.Hash;
import io.chasm.api.Ticker;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.OriginChange;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch's answers: counts what arrived, checks it when the source does not, collects "not
 * held", notes when the first answer came (the source's latency) and hands each verified chunk to
 * the scheduler, which keeps only the first copy of an id that two sources were asked for.
 */
final class BatchAnswers implements ChunkReceiver {
  /** Where verified chunks go; false if another source's copy already won. */
  interface Accept {
    boolean deliver(Upstream from, Hash id, byte[] data) throws IOException, ChasmException;
  }

  private final Upstream from;
  private final boolean verified;
  private final Ticker ticker;
  private final long started;
  private final Accept into;
  private final List<Hash> notHeld = new ArrayList<>();
  private final Map<Hash, OriginChange> changed = new HashMap<>();
  private int chunks;
  private long bytes;
  private boolean answered;

  BatchAnswers(Upstream from, boolean verified, Ticker ticker, long started, Accept into) {
    this.from = from;
    this.verified = verified;
    this.ticker = ticker;
    this.started = started;
    this.into = into;
  }

  @Override
  public void chunk(Hash id, byte[] data) throws IOException, ChasmException {
    from.progress();
    firstAnswer();
    if (!verified) {
      verify(id, data);
    }
    synchronized (this) {
      chunks++;
      bytes += data.length;
    }
    into.deliver(from, id, data);
  }

  private void verify(Hash id, byte[] data) throws HashMismatchException {
    MessageDigest d = id.algorithm().newDigest();
    d.update(data);
    Hash actual = Hash.finish(id.algorithm(), d);
    if (!actual.equals(id)) {
      throw new HashMismatchException(from.name(), id, actual);
    }
  }

  private void firstAnswer() {
    boolean first;
    synchronized (this) {
      first = !answered;
      answered = true;
    }
    if (first) {
      from.recordLatency(ticker.nanos() - started);
    }
  }

  @Override
  public void notHeld(Hash id) {
    firstAnswer();
    synchronized (this) {
      notHeld.add(id);
    }
  }

  @Override
  public void notHeld(Hash id, OriginChange why) {
    firstAnswer();
    synchronized (this) {
      notHeld.add(id);
      changed.put(id, why);
    }
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
