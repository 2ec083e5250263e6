package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ProtocolException;
import io.chasm.api.TransportException;
import io.chasm.api.VerificationException;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.PeerClient;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The upstreams of one sync and the dispatcher that spreads batched requests over them: each
 * upstream keeps up to {@code depth} batches in flight, so a faster one completes and takes more
 * (work stealing, i.e. spread by measured throughput); an upstream that fails a request (bad
 * bytes, protocol violation, lost connection, stall) is banned for the rest of the sync and its
 * batches go to the others.
 */
public final class Upstreams implements Closeable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Upstreams.class);
  private final List<Upstream> all;
  private final ClientOptions options;
  private final Duration stall;
  private final BiConsumer<URI, String> onBan;
  private ChasmException firstFailure;
  private volatile IOException localFailure;

  private Upstreams(List<Upstream> all, ClientOptions options, Duration stall, BiConsumer<URI, String> onBan) {
    this.all = all;
    this.options = options;
    this.stall = stall;
    this.onBan = onBan;
  }

  /**
   * Connects to every URI in parallel.
   *
   * @throws ChasmException the first connection failure if no upstream could be reached
   */
  public static Upstreams connect(List<URI> uris, ClientOptions options, Duration stall, BiConsumer<URI, String> onBan)
      throws ChasmException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(uris.size(), 8), r -> {
      Thread t = new Thread(r, "chasm-sync-connect");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<PeerClient>> fs = new ArrayList<>();
      for (URI u : uris) {
        fs.add(pool.submit(() -> PeerClient.connect(u, options)));
      }
      List<Upstream> ok = new ArrayList<>();
      ChasmException first = null;
      for (int i = 0; i < uris.size(); i++) {
        try {
          ok.add(new Upstream(uris.get(i), fs.get(i).get()));
        } catch (ExecutionException e) {
          ChasmException c = asChasm(e.getCause());
          first = first == null ? c : first;
          onBan.accept(uris.get(i), c.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TransportException("interrupted while connecting");
        }
      }
      if (ok.isEmpty()) {
        throw first;
      }
      Upstreams u = new Upstreams(ok, options, stall, onBan);
      u.firstFailure = first;
      return u;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Opens more connections to each usable upstream, up to {@code perUpstream} in all, in parallel.
   * A connection that fails is simply not added (the ones there are keep working).
   */
  public void widen(int perUpstream) {
    List<Upstream> live = usable();
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    for (Upstream u : live) {
      for (int i = u.connections(); i < perUpstream; i++) {
        fs.add(CompletableFuture.runAsync(() -> {
          try {
            u.addConnection(PeerClient.connect(u.uri(), options));
          } catch (ChasmException e) {
            LOG.debug("no extra connection to {}: {}", u, e.getMessage());
          }
        }, r -> {
          Thread t = new Thread(r, "chasm-sync-connect");
          t.setDaemon(true);
          t.start();
        }));
      }
    }
    for (CompletableFuture<Void> f : fs) {
      f.join();
    }
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
    onBan.accept(u.uri(), c.getMessage());
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

  public long bytesReceived() {
    long n = 0;
    for (Upstream u : all) {
      n += u.bytesReceived();
    }
    return n;
  }

  public long bytesSent() {
    long n = 0;
    for (Upstream u : all) {
      n += u.bytesSent();
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

  /** Fetches one batch from one upstream; returns the keys it did not hold. */
  @FunctionalInterface
  public interface Fetcher<K> {
    CompletableFuture<Collection<K>> fetch(Upstream u, List<K> batch);
  }

  /** Decides which keys of a failed or partial batch still need fetching. */
  @FunctionalInterface
  public interface Pending<K> {
    boolean stillNeeded(K key);
  }

  private record Batch<K>(List<K> keys, Set<Upstream> tried) {}

  private record Done<K>(Upstream u, Batch<K> batch, Collection<K> missing, Throwable error, long nanos) {}

  /**
   * Fetches every key, in batches of {@code batchSize}, over the usable upstreams.
   *
   * @throws IOException a local failure recorded by the fetcher ({@link #failLocally})
   * @throws ChasmException the reason the last upstream was banned, or that no upstream holds a key
   */
  public <K> void fetch(List<K> keys, int batchSize, int depth, Fetcher<K> fetcher, Pending<K> pending)
      throws ChasmException, IOException {
    Deque<Batch<K>> queue = new ArrayDeque<>();
    for (int i = 0; i < keys.size(); i += batchSize) {
      queue.add(new Batch<>(new ArrayList<>(keys.subList(i, Math.min(keys.size(), i + batchSize))), new HashSet<>()));
    }
    LinkedBlockingQueue<Done<K>> done = new LinkedBlockingQueue<>();
    int inFlight = 0;
    while (!queue.isEmpty() || inFlight > 0) {
      if (localFailure != null) {
        throw localFailure;
      }
      List<Upstream> live = usable();
      live.sort(Comparator.comparingDouble(Upstream::throughput).reversed());
      for (Upstream u : live) {
        Iterator<Batch<K>> it = queue.iterator();
        while (u.inFlight < depth && it.hasNext()) {
          Batch<K> b = it.next();
          if (b.tried.contains(u)) {
            continue;
          }
          it.remove();
          if (u.inFlight == 0) {
            u.progress();
          }
          u.inFlight++;
          inFlight++;
          long t0 = System.nanoTime();
          CompletableFuture<Collection<K>> f;
          try {
            f = fetcher.fetch(u, b.keys);
          } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
          }
          f.whenComplete((missing, err) -> done.add(new Done<>(u, b, missing, err, System.nanoTime() - t0)));
        }
      }
      if (inFlight == 0) {
        if (queue.isEmpty()) {
          break;
        }
        Batch<K> b = queue.peek();
        ChasmException f = failure();
        if (f != null && usable().isEmpty()) {
          throw f;
        }
        throw new ChasmException("no usable upstream holds " + b.keys.get(0) + " (" + b.keys.size() + " item(s) in that batch)");
      }
      Done<K> d;
      try {
        d = done.poll(Math.min(1000, stall.toMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransportException("interrupted while fetching");
      }
      if (d == null) {
        long now = System.nanoTime();
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
        Throwable cause = unwrap(d.error);
        ban(d.u, cause);
        requeue(queue, d.batch, d.u, pending);
      } else {
        d.u.progress();
        d.u.record(d.batch.keys.size(), d.nanos);
        if (!d.missing.isEmpty()) {
          Batch<K> rest = new Batch<>(new ArrayList<>(d.missing), new HashSet<>(d.batch.tried));
          rest.tried.add(d.u);
          queue.addFirst(rest);
        }
      }
    }
  }

  private static <K> void requeue(Deque<Batch<K>> queue, Batch<K> b, Upstream failed, Pending<K> pending) {
    List<K> left = new ArrayList<>();
    for (K k : b.keys) {
      if (pending.stillNeeded(k)) {
        left.add(k);
      }
    }
    if (!left.isEmpty()) {
      Batch<K> r = new Batch<>(left, new HashSet<>(b.tried));
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

  /** True for failures that prove the peer misbehaved (as opposed to a lost connection). */
  public static boolean isMisbehaviour(Throwable t) {
    Throwable c = unwrap(t);
    return c instanceof VerificationException || c instanceof ProtocolException || c instanceof LimitExceededException;
  }

  @Override
  public void close() {
    for (Upstream u : all) {
      u.close();
    }
  }
}
