package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.Ticker;
import io.chasm.api.TransportException;
import io.chasm.api.VerificationException;
import io.chasm.api.source.ChunkSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One fetch of a set of ids over the usable sources of a sync (docs/sync.md, "The multi-source
 * scheduler"). Rules, in the order they act:
 *
 * <ul>
 *   <li>Each source keeps at most {@code depth} requests in flight; faster sources come back
 *       sooner and take more. A measured source's batch size follows its rate: the ids it can send
 *       in {@link #TARGET_BATCH_NANOS} (or four round trips, if longer), between 1 and the maximum.
 *   <li>A request older than the request timeout gives its ids back to the queue for the other
 *       sources; the slow source keeps the slot and is not banned. Only a source that made no
 *       progress at all for the stall timeout is banned.
 *   <li>End game: when a source has a free slot and nothing left to take, it gets a copy of the
 *       undelivered ids of a batch another source is expected to finish much later than it would
 *       (more than twice its own expected time). The first verified copy of an id wins; later ones
 *       are dropped.
 *   <li>A request that fails (bad bytes, protocol violation, lost connection) bans its source; its
 *       ids go to the others. "Not held" only keeps that source from being asked for that id again,
 *       except that a source which, having claimed the snapshot, refused more than {@link
 *       #LIAR_REFUSALS} ids that other sources then served is banned as a liar.
 * </ul>
 *
 * <p>Runs on one thread; sources answer on theirs and queue their completed flights.
 */
final class FetchScheduler {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FetchScheduler.class);
  /**
   * Ids a source may refuse, of those another source then served, before it is banned as a liar.
   * Above zero because an honest peer may lose a chunk between its head and the request (a live file
   * damaged on its disk); small because a liar costs one round trip per batch it refuses.
   */
  static final int LIAR_REFUSALS = 4;
  /** Time one batch should take at a source's rate: amortises the round trip, yet follows the rate. */
  static final long TARGET_BATCH_NANOS = 1_000_000_000L;

  /** @param requestTimeout after it a request's ids are asked of others */
  record Tuning(int maxBatch, int depth, Duration requestTimeout, Duration stall) {}

  private final Upstreams ups;
  private final Ticker ticker;
  private final Tuning t;
  private final java.util.function.Function<Upstream, ChunkSource> sourceOf;
  private final Upstreams.Delivery into;
  private final Runnable idle;
  private final Deque<Hash> queue = new ArrayDeque<>();
  /** Per id, the sources not to ask for it again (refused, failed, timed out). */
  private final Map<Hash, Set<Upstream>> skip = new HashMap<>();
  /** Per id, the requests that may still answer it and have not given it back. */
  private final Map<Hash, Integer> pending = new HashMap<>();
  private final Set<Hash> claimed = ConcurrentHashMap.newKeySet();
  private final Set<Hash> delivered = ConcurrentHashMap.newKeySet();
  private final Map<Upstream, List<Flight>> active = new LinkedHashMap<>();
  private final LinkedBlockingQueue<Flight> done = new LinkedBlockingQueue<>();
  private final Map<Hash, Upstreams.Refusal> refusals = new HashMap<>();
  private final Map<Upstream, List<Hash>> refused = new HashMap<>();
  private final Set<Upstream> unpromised = ConcurrentHashMap.newKeySet();
  private final Set<Upstream> timedOut = new LinkedHashSet<>();
  private int total;
  private long completedNanos;
  private int completed;
  private long bytesSeen;
  private long chunksSeen;

  FetchScheduler(Upstreams ups, Tuning t, java.util.function.Function<Upstream, ChunkSource> sourceOf, Upstreams.Delivery into,
      Runnable idle) {
    this.ups = ups;
    this.ticker = ups.ticker();
    this.t = t;
    this.sourceOf = sourceOf;
    this.into = into;
    this.idle = idle;
  }

  void run(List<Hash> ids) throws ChasmException, IOException {
    queue.addAll(new LinkedHashSet<>(ids));
    total = queue.size();
    while (delivered.size() < total) {
      ups.checkLocal();
      expire(ticker.nanos());
      dispatchAll();
      if (activeCount() == 0) {
        if (delivered.size() >= total) {
          break;
        }
        throw failure();
      }
      Flight f = next();
      ups.checkLocal();
      if (f != null) {
        complete(f);
      }
    }
  }

  private void dispatchAll() {
    List<Upstream> live = ups.usable();
    live.sort(Comparator.comparingDouble(Upstream::throughput).reversed().thenComparingLong(Upstream::latency));
    for (Upstream u : live) {
      while (flights(u).size() < t.depth() && !u.banned()) {
        List<Hash> b = take(u, batchSize(u));
        boolean copy = false;
        if (b.isEmpty()) {
          b = endGame(u);
          copy = true;
        }
        if (b.isEmpty()) {
          break;
        }
        dispatch(u, b, copy);
      }
    }
  }

  int batchSize(Upstream u) {
    if (!u.measured() || chunksSeen == 0) { // a fair share: all to the first source asked starves the rest
      return (int) Math.max(1, Math.min(t.maxBatch(), queue.size() / Math.max(1L, (long) ups.usable().size() * t.depth())));
    }
    double avg = Math.max(1.0, (double) bytesSeen / chunksSeen);
    double target = Math.max(TARGET_BATCH_NANOS, 4.0 * u.latency()) / 1e9;
    long n = (long) (u.throughput() * target / avg);
    return (int) Math.max(1, Math.min(t.maxBatch(), n));
  }

  private List<Hash> take(Upstream u, int n) {
    Set<Hash> out = new LinkedHashSet<>();
    Iterator<Hash> it = queue.iterator();
    while (out.size() < n && it.hasNext()) {
      Hash id = it.next();
      if (delivered.contains(id) || pending.getOrDefault(id, 0) > 0) {
        it.remove(); // answered, or back in the queue if the request holding it gives it back
      } else if (!skip.getOrDefault(id, Set.of()).contains(u)) {
        it.remove();
        out.add(id);
      }
    }
    return new ArrayList<>(out);
  }

  /** The undelivered ids of the batch {@code u} would finish sooner than its source, by a margin. */
  private List<Hash> endGame(Upstream u) {
    if (!u.measured()) {
      return List.of();
    }
    long now = ticker.nanos();
    for (List<Flight> fs : active.values()) {
      for (Flight f : fs) {
        if (f.source == u || f.copied || f.copy || f.timedOut) {
          continue;
        }
        List<Hash> left = new ArrayList<>();
        for (Hash id : f.ids) {
          if (!delivered.contains(id) && !skip.getOrDefault(id, Set.of()).contains(u)) {
            left.add(id);
          }
        }
        if (left.isEmpty()) {
          continue;
        }
        long theirs = expected(f.source, f.ids.size());
        long age = now - f.started;
        long remaining = age < theirs ? theirs - age : age; // overdue: assume it takes as long again
        if (theirs > 0 && remaining > 2 * expected(u, left.size())) {
          f.copied = true;
          LOG.debug("end game: {} id(s) of a late batch of {} also asked of {}", left.size(), f.source, u);
          return left;
        }
      }
    }
    return List.of();
  }

  /** Expected time for a batch of {@code n} ids at {@code u}; 0 if nothing is known yet. */
  private long expected(Upstream u, int n) {
    if (!u.measured()) {
      return completed == 0 ? 0 : completedNanos / completed;
    }
    double avg = chunksSeen == 0 ? 1 : (double) bytesSeen / chunksSeen;
    return u.latency() + (long) (n * avg * 1e9 / u.throughput());
  }

  private void dispatch(Upstream u, List<Hash> ids, boolean copy) {
    Flight f = new Flight(u, ids, ticker.nanos(), copy);
    flights(u).add(f);
    for (Hash id : ids) {
      pending.merge(id, 1, Integer::sum);
    }
    if (flights(u).size() == 1) {
      u.progress();
    }
    CompletableFuture<Void> fut;
    try {
      ChunkSource source = sourceOf.apply(u);
      if (!source.promisesWholeSnapshot()) {
        unpromised.add(u);
      }
      f.answers = new BatchAnswers(u, source.verifiesChunks(), ticker, f.started, this::deliver);
      fut = source.fetch(ids, f.answers);
    } catch (RuntimeException e) {
      fut = CompletableFuture.failedFuture(e);
    }
    fut.whenComplete((v, err) -> {
      long nanos = ticker.nanos() - f.started;
      if (err == null && f.answers != null) {
        u.record(f.answers.bytes(), nanos);
        into.batchDone(u, f.answers.chunks(), f.answers.bytes());
      }
      f.error = err != null ? err : f.answers == null ? new IllegalStateException("no source") : null;
      done.add(f);
    });
  }

  private boolean deliver(Upstream from, Hash id, byte[] data) throws IOException, ChasmException {
    if (!claimed.add(id)) {
      return false;
    }
    if (!into.stillNeeded(id)) {
      delivered.add(id);
      return false;
    }
    try {
      into.chunk(id, data);
    } catch (IOException | ChasmException | RuntimeException e) {
      claimed.remove(id);
      throw e;
    }
    delivered.add(id);
    into.deliveredBy(from, id, data.length);
    return true;
  }

  private Flight next() throws TransportException {
    if (done.isEmpty() && idle != null) {
      idle.run();
      return done.poll(); // simulated time moved: check timeouts and dispatch again before waiting
    }
    long wait = Math.min(1000, t.stall().toMillis());
    long now = ticker.nanos();
    for (List<Flight> fs : active.values()) {
      for (Flight f : fs) {
        if (!f.timedOut) {
          wait = Math.min(wait, (f.started + t.requestTimeout().toNanos() - now) / 1_000_000 + 1);
        }
      }
    }
    try {
      return done.poll(Math.max(1, wait), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while fetching");
    }
  }

  private void expire(long now) {
    for (Upstream u : new ArrayList<>(active.keySet())) {
      List<Flight> fs = flights(u);
      if (!fs.isEmpty() && !u.banned() && now - u.lastProgress() > t.stall().toNanos()) {
        ban(u, new TransportException(u + " made no progress for " + t.stall().toSeconds() + " s"));
        continue;
      }
      for (Flight f : fs) {
        if (!f.timedOut && now - f.started > t.requestTimeout().toNanos()) {
          f.timedOut = true;
          timedOut.add(u);
          LOG.debug("{} did not answer a batch of {} in {} ms: asking others", u, f.ids.size(), t.requestTimeout().toMillis());
          release(f);
        }
      }
    }
  }

  private void complete(Flight f) throws ChasmException {
    if (f.retired) {
      return;
    }
    Upstream u = f.source;
    if (f.error != null) {
      ban(u, Upstreams.unwrap(f.error));
      return;
    }
    flights(u).remove(f);
    f.retired = true;
    u.progress();
    completed++;
    completedNanos += ticker.nanos() - f.started;
    bytesSeen += f.answers.bytes();
    chunksSeen += f.answers.chunks();
    Map<Hash, io.chasm.api.source.OriginChange> changed = f.answers.changed();
    changed.forEach((id, why) -> refusals.putIfAbsent(id, new Upstreams.Refusal(u.name(), why)));
    for (Hash id : f.answers.notHeld()) {
      if (!changed.containsKey(id) && !unpromised.contains(u)) {
        refused.computeIfAbsent(u, k -> new ArrayList<>()).add(id);
      }
    }
    release(f);
    checkLiars();
  }

  /** Gives the undelivered ids of a flight back: its source is not asked for them again. */
  private void release(Flight f) {
    if (f.released) {
      return;
    }
    f.released = true;
    for (Hash id : f.ids) {
      int n = pending.merge(id, -1, Integer::sum);
      if (n <= 0) {
        pending.remove(id);
      }
      if (!delivered.contains(id)) {
        skip.computeIfAbsent(id, k -> new java.util.HashSet<>()).add(f.source);
        if (n <= 0) {
          queue.addFirst(id);
        }
      }
    }
  }

  private void ban(Upstream u, Throwable why) {
    ups.ban(u, why);
    for (Flight f : flights(u)) {
      f.retired = true;
      release(f);
    }
    flights(u).clear();
  }

  private void checkLiars() {
    for (Map.Entry<Upstream, List<Hash>> e : refused.entrySet()) {
      Upstream u = e.getKey();
      if (u.banned()) {
        continue;
      }
      int served = 0;
      Hash first = null;
      for (Hash id : e.getValue()) {
        if (delivered.contains(id)) {
          served++;
          first = first == null ? id : first;
        }
      }
      if (served > LIAR_REFUSALS) {
        ban(u, new VerificationException(u + " claimed the snapshot but answered not-held for " + served
            + " chunk(s) that other sources served (first " + into.label(first) + ")"));
      }
    }
  }

  private ChasmException failure() {
    List<Hash> stuck = new ArrayList<>();
    for (Hash id : new LinkedHashSet<>(queue)) {
      if (!delivered.contains(id)) {
        stuck.add(id);
      }
    }
    ChasmException f = ups.failure();
    if (f != null && ups.usable().isEmpty()) {
      return f;
    }
    return into.noneHolds(stuck, refusals, Unfetched.sources(ups, timedOut, t.requestTimeout()));
  }

  private List<Flight> flights(Upstream u) {
    return active.computeIfAbsent(u, k -> new ArrayList<>());
  }

  private int activeCount() {
    int n = 0;
    for (List<Flight> fs : active.values()) {
      n += fs.size();
    }
    return n;
  }
}
