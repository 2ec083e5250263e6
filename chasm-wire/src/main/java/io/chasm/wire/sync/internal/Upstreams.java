package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ProtocolException;
import io.chasm.api.Ticker;
import io.chasm.api.TransportException;
import io.chasm.api.VerificationException;
import io.chasm.api.source.ChunkSource;
import io.chasm.api.source.OriginChange;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The sources of one sync and the scheduler that spreads batched requests over them: each
 * source keeps up to {@code depth} batches in flight, so a faster one completes and takes more
 * (work stealing, i.e. spread by measured throughput); a source that fails a request (bad bytes,
 * protocol violation, lost connection, stall) is banned for the rest of the sync and its batches go
 * to the others; ids a source does not hold go to the others without a ban.
 *
 * <p>Time is read from the injected {@link Ticker} only, so a test or simulator can drive the
 * scheduler on a fake clock.
 */
public final class Upstreams implements Closeable {
  private final List<Upstream> all;
  private final Ticker ticker;
  private final Duration stall;
  private final BiConsumer<Upstream, String> onBan;
  private ChasmException firstFailure;
  private volatile IOException localFailure;
  private Runnable idle = () -> {};

  Upstreams(List<Upstream> all, Ticker ticker, Duration stall, BiConsumer<Upstream, String> onBan, ChasmException first) {
    this.all = List.copyOf(all);
    this.ticker = ticker;
    this.stall = stall;
    this.onBan = onBan;
    this.firstFailure = first;
  }

  /**
   * Schedules over sources given directly (local reuse, plain mirrors, a simulator's fakes); fetch
   * with {@link #fetch(List, int, int, Delivery)}.
   *
   * @param onBan told each source banned, with the reason
   */
  public static Upstreams of(List<? extends ChunkSource> sources, Ticker ticker, Duration stall, BiConsumer<Upstream, String> onBan) {
    List<Upstream> all = new ArrayList<>();
    for (ChunkSource s : sources) {
      all.add(Upstream.source(s, ticker));
    }
    return new Upstreams(all, ticker, stall, onBan, null);
  }

  /**
   * Called on the fetching thread each time it is about to wait with no answer queued: a simulator
   * advances its fake ticker there and completes the requests that are due, so a whole fetch runs
   * on one thread in simulated time. Default: nothing.
   */
  public Upstreams whenIdle(Runnable r) {
    this.idle = java.util.Objects.requireNonNull(r);
    return this;
  }

  /** Upstreams not banned and not behind. */
  public List<Upstream> usable() {
    List<Upstream> out = new ArrayList<>();
    for (Upstream u : all) {
      if (!u.banned() && !u.behind()) {
        out.add(u);
      }
    }
    return out;
  }

  public List<Upstream> all() {
    return all;
  }

  public Ticker ticker() {
    return ticker;
  }

  /** Drops an upstream for the rest of the sync. */
  public synchronized void ban(Upstream u, Throwable why) {
    if (u.banned()) {
      return;
    }
    ChasmException c = asChasm(why);
    if (firstFailure == null || (!(firstFailure instanceof VerificationException) && c instanceof VerificationException)) {
      firstFailure = c;
    }
    u.ban(c.getMessage());
    onBan.accept(u, c.getMessage());
  }

  /** The most telling failure so far (verification failures win over connection failures). */
  public synchronized ChasmException failure() {
    return firstFailure;
  }

  /** Records a local failure (disk full while staging): it aborts the dispatch, not the peer. */
  public void failLocally(IOException e) {
    if (localFailure == null) {
      localFailure = e;
    }
  }

  /** Bytes read from every peer's connections (frames included) and web mirror's bodies. */
  public long bytesReceived() {
    long n = 0;
    for (Upstream u : all) {
      n += u.web() != null ? u.web().bytesReceived() : u.uri() == null ? 0 : u.peer().bytesReceived();
    }
    return n;
  }

  /** Bytes written to every peer's connections. */
  public long bytesSent() {
    long n = 0;
    for (Upstream u : all) {
      n += u.web() != null || u.uri() == null ? 0 : u.peer().bytesSent();
    }
    return n;
  }

  /** Waits for a single request with the stall timeout. */
  public <T> T await(Upstream u, CompletableFuture<T> f) throws ChasmException, IOException {
    try {
      return f.get(stall.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new TransportException(u + " sent no answer for " + stall.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while waiting for " + u);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw asChasm(e.getCause());
    }
  }

  /**
   * Where the answers of a fetch go. Chunk bytes reach it verified against their ids (by the
   * source if it {@linkplain ChunkSource#verifiesChunks() says so}, else by the scheduler);
   * "not held" answers do not reach it: the scheduler sends those ids to other sources.
   */
  public interface Delivery {
    /** A verified chunk; a failure fails the batch (record local failures with {@link #failLocally}). */
    void chunk(Hash id, byte[] data) throws IOException, ChasmException;

    /** Whether an id of a failed batch still needs fetching (it may have arrived before the failure). */
    boolean stillNeeded(Hash id);

    /** A batch completed: {@code chunks} chunks of {@code bytes} bytes in all. Called on the source's thread. */
    default void batchDone(Upstream from, int chunks, long bytes) {}

    /** How an id is named in the error when no source holds it. */
    default Object label(Hash id) {
      return id;
    }

    /**
     * The failure when no usable source holds {@code ids} (one batch).
     *
     * @param refusals for some ids, the reasons upstreams gave (their origin changed)
     */
    default ChasmException noneHolds(List<Hash> ids, Map<Hash, Refusal> refusals) {
      return new ChasmException("no usable upstream holds " + label(ids.get(0)) + " (" + ids.size() + " item(s) in that batch)");
    }
  }

  private record Batch(List<Hash> ids, Set<Upstream> tried) {}

  private record Done(Upstream u, Batch batch, List<Hash> notHeld, Map<Hash, OriginChange> changed, Throwable error, long nanos) {}

  /** An upstream's reason for not holding a chunk: its origin changed since the snapshot it serves. */
  public record Refusal(String upstream, OriginChange change) {}

  /** Fetches from the sources given to {@link #of}. */
  public void fetch(List<Hash> ids, int batchSize, int depth, Delivery into) throws ChasmException, IOException {
    fetch(ids, batchSize, depth, Upstream::source, into);
  }

  /**
   * Fetches every id, in batches of {@code batchSize}, over the usable upstreams.
   *
   * @param sourceOf the source to ask of each upstream for this fetch
   * @throws IOException a local failure recorded by the delivery ({@link #failLocally})
   * @throws ChasmException the reason the last upstream was banned, or that no upstream holds an id
   */
  public void fetch(List<Hash> ids, int batchSize, int depth, Function<Upstream, ChunkSource> sourceOf, Delivery into)
      throws ChasmException, IOException {
    Deque<Batch> queue = new ArrayDeque<>();
    for (int i = 0; i < ids.size(); i += batchSize) {
      queue.add(new Batch(new ArrayList<>(ids.subList(i, Math.min(ids.size(), i + batchSize))), new HashSet<>()));
    }
    LinkedBlockingQueue<Done> done = new LinkedBlockingQueue<>();
    Map<Hash, Refusal> refusals = new HashMap<>();
    int inFlight = 0;
    while (!queue.isEmpty() || inFlight > 0) {
      if (localFailure != null) {
        throw localFailure;
      }
      List<Upstream> live = usable();
      live.sort(Comparator.comparingDouble(Upstream::throughput).reversed());
      for (Upstream u : live) {
        Iterator<Batch> it = queue.iterator();
        while (u.inFlight < depth && it.hasNext()) {
          Batch b = it.next();
          if (b.tried.contains(u)) {
            continue;
          }
          it.remove();
          if (u.inFlight == 0) {
            u.progress();
          }
          u.inFlight++;
          inFlight++;
          dispatch(u, b, sourceOf, into, done);
        }
      }
      if (inFlight == 0) {
        if (queue.isEmpty()) {
          break;
        }
        Batch b = queue.peek();
        ChasmException f = failure();
        if (f != null && usable().isEmpty()) {
          throw f;
        }
        throw into.noneHolds(b.ids, refusals);
      }
      if (done.isEmpty()) {
        idle.run();
      }
      Done d;
      try {
        d = done.poll(Math.min(1000, stall.toMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransportException("interrupted while fetching");
      }
      if (d == null) {
        long now = ticker.nanos();
        for (Upstream u : all) {
          if (u.inFlight > 0 && !u.banned() && now - u.lastProgress() > stall.toNanos()) {
            ban(u, new TransportException(u + " made no progress for " + stall.toSeconds() + " s"));
          }
        }
        continue;
      }
      d.u.inFlight--;
      inFlight--;
      if (localFailure != null) {
        throw localFailure;
      }
      if (d.error != null) {
        ban(d.u, unwrap(d.error));
        requeue(queue, d.batch, d.u, into);
      } else {
        d.u.progress();
        d.changed.forEach((id, why) -> refusals.putIfAbsent(id, new Refusal(d.u.name(), why)));
        if (!d.notHeld.isEmpty()) {
          Batch rest = new Batch(new ArrayList<>(d.notHeld), new HashSet<>(d.batch.tried));
          rest.tried.add(d.u);
          queue.addFirst(rest);
        }
      }
    }
  }

  private void dispatch(Upstream u, Batch b, Function<Upstream, ChunkSource> sourceOf, Delivery into, LinkedBlockingQueue<Done> done) {
    long t0 = ticker.nanos();
    BatchAnswers answers;
    CompletableFuture<Void> f;
    try {
      ChunkSource source = sourceOf.apply(u);
      answers = new BatchAnswers(u, source.verifiesChunks(), into);
      f = source.fetch(b.ids, answers);
    } catch (RuntimeException e) {
      answers = null;
      f = CompletableFuture.failedFuture(e);
    }
    BatchAnswers a = answers;
    f.whenComplete((v, err) -> {
      long nanos = ticker.nanos() - t0;
      if (err == null) {
        u.record(a.bytes(), nanos);
        into.batchDone(u, a.chunks(), a.bytes());
      }
      done.add(new Done(u, b, a == null ? List.of() : a.notHeld(), a == null ? Map.of() : a.changed(), err, nanos));
    });
  }

  private static void requeue(Deque<Batch> queue, Batch b, Upstream failed, Delivery into) {
    List<Hash> left = new ArrayList<>();
    for (Hash k : b.ids) {
      if (into.stillNeeded(k)) {
        left.add(k);
      }
    }
    if (!left.isEmpty()) {
      Batch r = new Batch(left, new HashSet<>(b.tried));
      r.tried.add(failed);
      queue.addFirst(r);
    }
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** A failure as the typed exception to report. */
  public static ChasmException asChasm(Throwable t) {
    t = unwrap(t);
    if (t instanceof ChasmException c) {
      return c;
    }
    if (t instanceof IOException) {
      return new TransportException(t.getMessage() == null ? t.toString() : t.getMessage(), t);
    }
    return new ProtocolException("upstream request failed: " + t, t);
  }

  @Override
  public void close() {
    for (Upstream u : all) {
      u.close();
    }
  }
}
