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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The sources of one sync: which are usable, which are banned and why (logged at WARN in one line
 * with the evidence), and the fetches over them, each run by a {@link FetchScheduler} (its javadoc
 * has the rules: rate-sized batches, bounded requests in flight, request timeouts, end game, bans
 * for bad bytes and for lying about holding the snapshot).
 *
 * <p>Time is read from the injected {@link Ticker} only, so a test or simulator can drive the
 * scheduler on a fake clock.
 */
public final class Upstreams implements Closeable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Upstreams.class);
  private final List<Upstream> all;
  private final Ticker ticker;
  private final Duration stall;
  private final BiConsumer<Upstream, String> onBan;
  private ChasmException firstFailure;
  private volatile IOException localFailure;
  private Runnable idle;
  private BiConsumer<Upstream, Throwable> whenBanned = (u, why) -> {};
  private Duration requestTimeout;

  Upstreams(List<Upstream> all, Ticker ticker, Duration stall, BiConsumer<Upstream, String> onBan, ChasmException first) {
    this.all = new java.util.concurrent.CopyOnWriteArrayList<>(all);
    this.ticker = ticker;
    this.stall = stall;
    this.onBan = onBan;
    this.firstFailure = first;
    this.requestTimeout = stall.dividedBy(3);
  }

  /**
   * How long one request may take before its ids are also asked of other sources (default: a
   * third of the stall timeout). The slow source is not banned for it.
   */
  public Upstreams requestTimeout(Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("request timeout must be positive: " + d);
    }
    this.requestTimeout = d;
    return this;
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
   * on one thread in simulated time. Default: none, the fetching thread waits for answers.
   */
  public Upstreams whenIdle(Runnable r) {
    this.idle = java.util.Objects.requireNonNull(r);
    return this;
  }

  /**
   * Also told each ban with the failure itself, as the source raised it (its type and evidence,
   * such as a {@link io.chasm.api.HashMismatchException}), for a caller that reports more than the
   * reason's text ({@code chasm get}'s dropped sources).
   */
  public Upstreams whenBanned(BiConsumer<Upstream, Throwable> l) {
    this.whenBanned = java.util.Objects.requireNonNull(l);
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
    return java.util.Collections.unmodifiableList(all);
  }

  /** Adds a source for the rest of the sync (a peer learned through peer exchange). */
  void add(Upstream u) {
    all.add(u);
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
    String reason = c.getMessage();
    u.ban(reason);
    LOG.warn("banned {} for the rest of this sync: {}", u, reason);
    onBan.accept(u, reason);
    whenBanned.accept(u, unwrap(why));
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

    /**
     * The chunk just given to {@link #chunk} came from {@code from}: the copy that won, when the end
     * game asked several sources. Called on the source's thread.
     */
    default void deliveredBy(Upstream from, Hash id, int bytes) {}

    /** Whether an id of a failed batch still needs fetching (it may have arrived before the failure). */
    boolean stillNeeded(Hash id);

    /** A batch completed: {@code chunks} chunks of {@code bytes} bytes in all. Called on the source's thread. */
    default void batchDone(Upstream from, int chunks, long bytes) {}

    /** How an id is named in the error when no source holds it. */
    default Object label(Hash id) {
      return id;
    }

    /**
     * The failure when no usable source holds {@code ids} (all the ids the fetch could not get).
     *
     * @param refusals for some ids, the reasons upstreams gave (their origin changed)
     * @param sources why each source did not deliver them, one clause per source
     */
    default ChasmException noneHolds(List<Hash> ids, Map<Hash, Refusal> refusals, String sources) {
      return new ChasmException("no usable source holds " + ids.size() + " item(s) (" + Unfetched.named(ids, this::label)
          + "): " + sources);
    }
  }

  /** An upstream's reason for not holding a chunk: its origin changed since the snapshot it serves. */
  public record Refusal(String upstream, OriginChange change) {}

  /** Fetches from the sources given to {@link #of}. */
  public void fetch(List<Hash> ids, int batchSize, int depth, Delivery into) throws ChasmException, IOException {
    fetch(ids, batchSize, depth, Upstream::source, into);
  }

  /**
   * Fetches every id over the usable upstreams ({@link FetchScheduler} has the rules).
   *
   * @param batchSize the most ids per request (a source's measured rate may make its batches smaller)
   * @param depth the most requests in flight per source
   * @param sourceOf the source to ask of each upstream for this fetch
   * @throws IOException a local failure recorded by the delivery ({@link #failLocally})
   * @throws ChasmException the reason the last upstream was banned, or that no upstream holds some ids
   */
  public void fetch(List<Hash> ids, int batchSize, int depth, Function<Upstream, ChunkSource> sourceOf, Delivery into)
      throws ChasmException, IOException {
    new FetchScheduler(this, new FetchScheduler.Tuning(batchSize, depth, requestTimeout, stall), sourceOf, into, idle).run(ids);
  }

  /** Throws the local failure recorded by a delivery, if any. */
  void checkLocal() throws IOException {
    if (localFailure != null) {
      throw localFailure;
    }
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Throws {@code t}, unwrapped from completion and execution wrappers, as the typed exception it
   * is (checked ones of the sync's types, unchecked ones as they are); anything else wrapped in a
   * {@link CompletionException}.
   */
  static void rethrow(Throwable t) throws ChasmException, IOException {
    t = unwrap(t);
    if (t instanceof ChasmException c) {
      throw c;
    }
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new CompletionException(t);
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
