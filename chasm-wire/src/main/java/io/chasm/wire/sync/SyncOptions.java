package io.chasm.wire.sync;

import io.chasm.api.Ticker;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.publish.MetadataPatterns;
import io.chasm.wire.ClientOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link SyncEngine} needs: where to sync from and to, whom to trust, how to
 * publish. Build with {@link #builder(Path, TrustPolicy)}; immutable.
 */
public final class SyncOptions {
  /** Repository name asked for when none is given and the destination has no snapshot yet. */
  public static final String DEFAULT_REPOSITORY = "default";

  final Path destination;
  final Path state;
  final TrustPolicy trust;
  final List<URI> upstreams;
  final String repository;
  final boolean flip;
  final boolean deleteUnknown;
  final boolean safeLinks;
  final MetadataPatterns metadata;
  final ClientOptions client;
  final Clock clock;
  final Ticker ticker;
  final Duration stallTimeout;
  final int chunksPerBatch;
  final int batchesInFlight;
  final SyncListener listener;
  final ChunkCompression chunkCompression;
  final int connections;
  final int wideFetchChunks;
  final int maxPeers;
  final boolean allowPrivatePeers;
  final boolean verifyAll;
  final long verifyRate;

  /**
   * Whether chunks are asked for zstd-compressed (trees and manifests always are when the peer
   * speaks zstd: they are small and compress several-fold). Compressing pays only when the link is
   * slower than the compressor (level 1: a few hundred MB/s per core); on loopback or a Unix socket
   * it only costs CPU on both ends (measured: zstd was most of a server's CPU in an initial sync).
   */
  public enum ChunkCompression {
    /** Compressed, except from an upstream on this host ({@code unix://}, {@code mem://}, a loopback address). */
    AUTO,
    ALWAYS,
    NEVER;

    /** Whether chunks from {@code upstream} are asked for compressed. */
    public boolean compress(URI upstream) {
      return switch (this) {
        case ALWAYS -> true;
        case NEVER -> false;
        case AUTO -> !onThisHost(upstream);
      };
    }

    private static boolean onThisHost(URI u) {
      String scheme = u.getScheme() == null ? "" : u.getScheme();
      if (scheme.equals("unix") || scheme.equals("mem")) {
        return true;
      }
      String host = u.getHost();
      if (host == null) {
        return false;
      }
      if (host.equalsIgnoreCase("localhost")) {
        return true;
      }
      try {
        // Literal addresses only: a name lookup here could block, and a remote name is the common case.
        if (host.startsWith("[") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
          return java.net.InetAddress.getByName(host).isLoopbackAddress();
        }
      } catch (java.net.UnknownHostException e) {
        return false;
      }
      return false;
    }
  }

  private SyncOptions(Builder b) {
    this.destination = b.destination;
    this.state = b.state;
    this.trust = b.trust;
    this.upstreams = List.copyOf(b.upstreams);
    this.repository = b.repository;
    this.flip = b.flip;
    this.deleteUnknown = b.deleteUnknown;
    this.safeLinks = b.safeLinks;
    this.metadata = b.metadata;
    this.client = b.client;
    this.clock = b.clock;
    this.ticker = b.ticker;
    this.stallTimeout = b.stallTimeout;
    this.chunksPerBatch = b.chunksPerBatch;
    this.batchesInFlight = b.batchesInFlight;
    this.listener = b.listener;
    this.chunkCompression = b.chunkCompression;
    this.connections = b.connections;
    this.wideFetchChunks = b.wideFetchChunks;
    this.maxPeers = b.maxPeers;
    this.allowPrivatePeers = b.allowPrivatePeers;
    this.verifyAll = b.verifyAll;
    this.verifyRate = b.verifyRate;
  }

  private SyncOptions(SyncOptions o, List<URI> upstreams) {
    this.destination = o.destination;
    this.state = o.state;
    this.trust = o.trust;
    this.upstreams = upstreams;
    this.repository = o.repository;
    this.flip = o.flip;
    this.deleteUnknown = o.deleteUnknown;
    this.safeLinks = o.safeLinks;
    this.metadata = o.metadata;
    this.client = o.client;
    this.clock = o.clock;
    this.ticker = o.ticker;
    this.stallTimeout = o.stallTimeout;
    this.chunksPerBatch = o.chunksPerBatch;
    this.batchesInFlight = o.batchesInFlight;
    this.listener = o.listener;
    this.chunkCompression = o.chunkCompression;
    this.connections = o.connections;
    this.wideFetchChunks = o.wideFetchChunks;
    this.verifyAll = o.verifyAll;
    this.verifyRate = o.verifyRate;
    this.maxPeers = o.maxPeers;
    this.allowPrivatePeers = o.allowPrivatePeers;
  }

  public static Builder builder(Path destination, TrustPolicy trust) {
    return new Builder(destination, trust);
  }

  public Path destination() {
    return destination;
  }

  /** The state directory, or null for {@link io.chasm.hashtree.index.StateLocation#of}{@code (destination)}. */
  public Path state() {
    return state;
  }

  public List<URI> upstreams() {
    return upstreams;
  }

  /**
   * These options with {@code extra} upstreams after the configured ones (duplicates dropped):
   * the holders a pushed head named, for the one sync that fetches it. They are verified like
   * any upstream, so an unreachable or lying holder costs time, never correctness.
   */
  public SyncOptions withExtraUpstreams(List<URI> extra) {
    java.util.LinkedHashSet<URI> all = new java.util.LinkedHashSet<>(upstreams);
    all.addAll(extra);
    if (all.size() == upstreams.size()) {
      return this;
    }
    return new SyncOptions(this, List.copyOf(all));
  }

  /** The repository name asked for, or null to use the local snapshot's origin or {@link #DEFAULT_REPOSITORY}. */
  public String repository() {
    return repository;
  }

  public boolean flip() {
    return flip;
  }

  /**
   * Builder; defaults: metadata patterns {@link MetadataPatterns#defaults()}, 30 s stall timeout,
   * chunk compression AUTO, the system UTC clock and {@link Ticker#SYSTEM}.
   */
  public static final class Builder {
    private final Path destination;
    private Path state;
    private final TrustPolicy trust;
    private final List<URI> upstreams = new ArrayList<>();
    private String repository;
    private boolean flip;
    private boolean deleteUnknown;
    private boolean safeLinks;
    private MetadataPatterns metadata = MetadataPatterns.defaults();
    private ClientOptions client = ClientOptions.defaults();
    private Clock clock = Clock.systemUTC();
    private Ticker ticker = Ticker.SYSTEM;
    private Duration stallTimeout = Duration.ofSeconds(30);
    private int chunksPerBatch = 256;
    private int batchesInFlight = 8;
    private SyncListener listener = SyncListener.NONE;
    private ChunkCompression chunkCompression = ChunkCompression.AUTO;
    private int connections = 2;
    private int wideFetchChunks = 2048;
    private int maxPeers = 8;
    private boolean allowPrivatePeers;
    private boolean verifyAll;
    private long verifyRate;

    private Builder(Path destination, TrustPolicy trust) {
      this.destination = Objects.requireNonNull(destination, "destination");
      this.trust = Objects.requireNonNull(trust, "trust");
    }

    /**
     * Keeps the index, object pack, snapshot history and lock in {@code dir} (default: {@link
     * io.chasm.hashtree.index.StateLocation#of}{@code (destination)}, outside the tree).
     */
    public Builder state(Path dir) {
      this.state = dir;
      return this;
    }

    /** Adds an upstream ({@code tcp://host:port}, {@code unix:///path}, ...); at least one is needed. */
    public Builder upstream(URI uri) {
      upstreams.add(Objects.requireNonNull(uri));
      return this;
    }

    public Builder upstreams(List<URI> uris) {
      uris.forEach(this::upstream);
      return this;
    }

    public Builder repository(String name) {
      this.repository = name;
      return this;
    }

    /** Publish a complete new tree and switch the {@code current} symlink. */
    public Builder flip(boolean yes) {
      this.flip = yes;
      return this;
    }

    /**
     * Delete entries of the destination that the snapshot does not have (left by something other
     * than the sync), after the new content is live, like rsync's --delete-after. Without it a
     * first sync into a directory holding such entries fails and changes nothing; later syncs
     * (which apply the diff between snapshots) then only look for them when this is set.
     * Ignored in flip mode, where only {@code DEST/current} is the mirror.
     */
    public Builder deleteUnknown(boolean yes) {
      this.deleteUnknown = yes;
      return this;
    }

    /**
     * Skip (and report) the snapshot's symlinks whose target is absolute or climbs above the tree
     * root, like rsync's --safe-links, instead of failing the sync with an
     * {@link io.chasm.api.UnsafePathException}. Off by default: a mirror is an exact copy or
     * nothing, and the operator decides to publish one without such links.
     */
    public Builder safeLinks(boolean yes) {
      this.safeLinks = yes;
      return this;
    }

    public Builder metadata(MetadataPatterns patterns) {
      this.metadata = Objects.requireNonNull(patterns);
      return this;
    }

    /** How connections are made (identity, limits, zstd); the sync adds its object verifier. */
    public Builder client(ClientOptions options) {
      this.client = Objects.requireNonNull(options);
      return this;
    }

    /** Wall time: what snapshot expiry is checked against, and the latest mtime given to published files. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * Monotonic time (default {@link Ticker#SYSTEM}): stall detection, measured throughput, timings.
     * A simulator drives the sync on a fake one.
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker);
      return this;
    }

    /** An upstream that makes no progress for this long is dropped. */
    public Builder stallTimeout(Duration d) {
      this.stallTimeout = Objects.requireNonNull(d);
      return this;
    }

    /** Chunk ids per request and requests in flight per upstream (pipelining depth). */
    public Builder pipelining(int chunksPerBatch, int batchesInFlight) {
      if (chunksPerBatch < 1 || batchesInFlight < 1) {
        throw new IllegalArgumentException("pipelining values must be positive");
      }
      this.chunksPerBatch = chunksPerBatch;
      this.batchesInFlight = batchesInFlight;
      return this;
    }

    /** Whether chunks travel zstd-compressed (default {@link ChunkCompression#AUTO}). */
    public Builder chunkCompression(ChunkCompression c) {
      this.chunkCompression = Objects.requireNonNull(c);
      return this;
    }

    /**
     * Connections per upstream for a fetch of at least {@code minChunks} chunks or manifests (default 2 from
     * 2,048): a server answers each connection on its own thread, in order, so a second connection
     * lets it read, hash and send two requests at once, and the client verifies on two threads.
     */
    public Builder wideFetch(int connectionsPerUpstream, int minChunks) {
      if (connectionsPerUpstream < 1 || minChunks < 0) {
        throw new IllegalArgumentException("wideFetch needs at least one connection and a non-negative chunk count");
      }
      this.connections = connectionsPerUpstream;
      this.wideFetchChunks = minChunks;
      return this;
    }

    /**
     * Peer exchange (SPEC §9.13; default 8, private addresses dropped): after the head is chosen each
     * upstream is asked which peers hold it, and up to {@code max} of them that serve the same head
     * are added as sources; with {@code allowPrivate} also loopback and private addresses learned
     * from a peer at a public address (a LAN or loopback swarm). 0 does not ask.
     */
    public Builder peers(int max, boolean allowPrivate) {
      if (max < 0) {
        throw new IllegalArgumentException("max peers must not be negative: " + max);
      }
      this.maxPeers = max;
      this.allowPrivatePeers = allowPrivate;
      return this;
    }

    /**
     * Rehash every file of the live tree before syncing and write again each that differs from
     * the local snapshot, like rsync's {@code -c}: finds damage that keeps a file's stat (same
     * size, mtime put back). Off by default: every sync compares stats only, one lstat per entry.
     */
    public Builder verifyAll(boolean yes) {
      this.verifyAll = yes;
      return this;
    }

    /**
     * At most this many bytes per second read by a verify-all or a {@link SyncEngine#scrub()}
     * (sleeping between reads); 0, the default, for no limit.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder verifyRate(long bytesPerSecond) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("verifyRate must be >= 0 bytes/s");
      }
      this.verifyRate = bytesPerSecond;
      return this;
    }

    public Builder listener(SyncListener l) {
      this.listener = Objects.requireNonNull(l);
      return this;
    }

    /**
     * @throws IllegalArgumentException if no upstream was given
     */
    public SyncOptions build() {
      if (upstreams.isEmpty()) {
        throw new IllegalArgumentException("at least one upstream is needed");
      }
      return new SyncOptions(this);
    }
  }
}
