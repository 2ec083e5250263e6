package io.chasm.wire.sync.internal;

import io.chasm.api.Hash;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.ChunkSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongUnaryOperator;

/**
 * A fake source on simulated time: answers each batch after {@code latency + perChunk * ids} (or
 * a latency that depends on the batch's number), and can misbehave in each way the scheduler must
 * handle: flip bytes of some chunks, refuse chunks it holds, fail after some chunks, never answer.
 */
final class SimSource implements ChunkSource {
  final String name;
  final SimNet net;
  final Map<Hash, byte[]> held = new LinkedHashMap<>();
  final List<List<Hash>> batches = new ArrayList<>();
  final Set<Hash> flipped = new HashSet<>();
  final Set<Hash> refuses = new HashSet<>();
  LongUnaryOperator latencyOfBatch;
  long perChunk;
  int failAfterBatches = -1;
  boolean silent;
  /** What {@link #promisesWholeSnapshot()} answers (a web mirror or local reuse says false). */
  boolean promisesAll = true;
  int inFlight;
  int maxInFlight;

  SimSource(SimNet net, String name, long latency) {
    this.net = net;
    this.name = name;
    this.latencyOfBatch = n -> latency;
  }

  SimSource holding(Map<Hash, byte[]> chunks) {
    held.putAll(chunks);
    return this;
  }

  /** Ids of all batches asked of this source. */
  List<Hash> asked() {
    List<Hash> all = new ArrayList<>();
    batches.forEach(all::addAll);
    return all;
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Answers ids from {@code i} on: all at once without a per-chunk time, else one now and the next
   * {@code perChunk} later, so the first answer comes after the latency, as over a network.
   */
  private void answer(int number, List<Hash> ids, int i, ChunkReceiver receiver, CompletableFuture<Void> f) {
    try {
      if (failAfterBatches >= 0 && number >= failAfterBatches) {
        throw new IOException(name + ": connection reset");
      }
      int end = perChunk == 0 ? ids.size() : i + 1;
      for (; i < end; i++) {
        Hash id = ids.get(i);
        byte[] data = held.get(id);
        if (data == null || refuses.contains(id)) {
          receiver.notHeld(id);
        } else if (flipped.contains(id)) {
          byte[] bad = Arrays.copyOf(data, data.length);
          bad[0] ^= 1;
          receiver.chunk(id, bad);
        } else {
          receiver.chunk(id, data);
        }
      }
      if (i < ids.size()) {
        int next = i;
        net.after(perChunk, () -> answer(number, ids, next, receiver, f));
        return;
      }
      inFlight--;
      f.complete(null);
    } catch (Exception e) {
      inFlight--;
      f.completeExceptionally(e);
    }
  }

  @Override
  public CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver) {
    int number = batches.size();
    batches.add(List.copyOf(ids));
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (silent) {
      return f;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    long first = latencyOfBatch.applyAsLong(number) + perChunk;
    net.after(first, () -> answer(number, ids, 0, receiver, f));
    return f;
  }

  @Override
  public boolean promisesWholeSnapshot() {
    return promisesAll;
  }
}
