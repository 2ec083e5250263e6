package io.chasm.wire.get;

import io.chasm.api.ChasmException;
import io.chasm.api.MissingContentException;
import io.chasm.api.PathNotFoundException;
import io.chasm.api.Ticker;
import io.chasm.api.TransportException;
import io.chasm.api.UnsafePathException;
import io.chasm.api.VerificationException;
import io.chasm.api.source.ChunkSource;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotVerifier;
import io.chasm.hashtree.tree.TreeEntry;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.MirrorSource;
import io.chasm.wire.get.internal.FileChunks;
import io.chasm.wire.get.internal.HeadChoice;
import io.chasm.wire.get.internal.ObjectReader;
import io.chasm.wire.get.internal.OutputFile;
import io.chasm.wire.get.internal.PathWalk;
import io.chasm.wire.get.internal.SourceOpener;
import io.chasm.wire.get.internal.SourceSet;
import io.chasm.wire.get.internal.TreePath;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Downloads one file of a signed tree from any mix of untrusted sources, without syncing the tree:
 *
 * <pre>
 *   Download d = VerifiedDownload.from(mirrors).trust(policy).get("pool/main/a.deb", Path.of("a.deb"));
 * </pre>
 *
 * <p>Every source is asked for its signed head and the highest sequence that verifies against the
 * trust policy wins. From its root, only the trees on the way to the path are read, each checked
 * against the id its parent names (an inclusion proof of the file in the signed snapshot), then the
 * file's manifest, checked against the file id; then the chunks, from every source at once, each
 * checked against its id, by the scheduler {@code chasm sync} uses (rate-sized batches, request
 * timeouts, end game; docs/sync.md, "The multi-source scheduler"). A source that sends one bad byte,
 * or refuses chunks the others serve, is not used again. The file is written to
 * a temporary file beside {@code out}, read back and checked against the file id, and renamed over
 * {@code out}: on any failure {@code out} is untouched.
 *
 * <p>Not thread-safe: configure, then call {@link #get} (once or several times; each call opens and
 * closes its own connections to the URIs given).
 */
public final class VerifiedDownload {
  private final List<URI> uris;
  private final List<MirrorSource> given;
  private TrustPolicy trust;
  private String repository = "default";
  private Clock clock = Clock.systemUTC();
  private Ticker ticker = Ticker.SYSTEM;
  private ClientOptions options = ClientOptions.defaults();

  private VerifiedDownload(List<URI> uris, List<MirrorSource> given) {
    this.uris = List.copyOf(uris);
    this.given = List.copyOf(given);
  }

  /** Sources by URI: {@code tcp://}, {@code unix://} (CHASM peers), {@code http(s)://} (a tree with a static export). */
  public static VerifiedDownload from(List<URI> sources) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no source given");
    }
    return new VerifiedDownload(sources, List.of());
  }

  public static VerifiedDownload from(URI... sources) {
    return from(List.of(sources));
  }

  /** Sources already open (a web mirror of one's own, a test double); the caller closes them. */
  public static VerifiedDownload fromSources(List<MirrorSource> sources) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no source given");
    }
    return new VerifiedDownload(List.of(), sources);
  }

  /** The keys (and threshold) a head must be signed with. Required. */
  public VerifiedDownload trust(TrustPolicy policy) {
    this.trust = Objects.requireNonNull(policy);
    return this;
  }

  /** The repository name (default {@code default}, which {@code chasm serve} answers to). */
  public VerifiedDownload repository(String name) {
    this.repository = Objects.requireNonNull(name);
    return this;
  }

  /** The clock snapshot expiry is checked on (default: the system's). */
  public VerifiedDownload clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock);
    return this;
  }

  /** The monotonic time the chunk scheduler measures rates, request timeouts and stalls on (default: the system's). */
  public VerifiedDownload ticker(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker);
    return this;
  }

  /**
   * Options for protocol connections (identity, timeouts, limits); their stall timeout also drops a
   * source of any kind that sends no chunk for that long.
   */
  public VerifiedDownload options(ClientOptions options) {
    this.options = Objects.requireNonNull(options);
    return this;
  }

  /**
   * Downloads the file at {@code path} (relative to the tree's root, {@code /}-separated) to {@code out}.
   *
   * @throws UnsafePathException if {@code path} has an empty, {@code .} or {@code ..} component or is absolute (no source is asked)
   * @throws PathNotFoundException if the verified tree has no regular file at {@code path}
   * @throws VerificationException if no source sent a verified head, tree, manifest or chunk where one was needed
   * @throws MissingContentException if no source holds the repository or a needed object or chunk
   * @throws TransportException if no source could be reached
   * @throws IOException if {@code out} cannot be written
   */
  public Download get(String path, Path out) throws ChasmException, IOException {
    if (trust == null) {
      throw new IllegalStateException("trust(...) is required");
    }
    List<String> names = TreePath.parse(path);
    SourceSet sources = open();
    try {
      Snapshot head = HeadChoice.choose(sources, repository, new SnapshotVerifier(trust, clock));
      ObjectReader objects = new ObjectReader(sources, repository, path);
      TreeEntry entry = PathWalk.resolve(objects, head.rootTree(), names, head.sequence());
      FileManifest manifest = objects.manifest(entry.id());
      if (manifest.size() != entry.size()) {
        throw new VerificationException("'" + path + "': the tree says " + entry.size() + " bytes, its manifest " + manifest.size());
      }
      Map<MirrorSource, ChunkSource> chunks = new LinkedHashMap<>();
      for (MirrorSource s : sources.live()) {
        chunks.put(s, s.chunks(repository, path, manifest));
      }
      try (OutputFile file = OutputFile.create(out)) {
        Map<String, Long> bytes = new FileChunks(sources, chunks, manifest, path).fetch(file, ticker, options.stallTimeout());
        file.check(manifest);
        Instant mtime = entry.hasMetadata() ? Instant.ofEpochSecond(entry.mtimeSeconds(), entry.mtimeNanos()) : null;
        file.commit(entry.hasMetadata() ? entry.mode() : entry.executable() ? 0755 : 0644, mtime);
        return new Download(path, out, head.sequence(), manifest.id(), manifest.size(), bytes, sources.dropped());
      }
    } finally {
      if (given.isEmpty()) {
        sources.closeAll();
      }
    }
  }

  private SourceSet open() throws TransportException {
    if (!given.isEmpty()) {
      return new SourceSet(given, Map.of());
    }
    SourceOpener.Opened o = SourceOpener.open(uris, options);
    if (o.sources().isEmpty()) {
      List<String> why = new ArrayList<>();
      o.unreachable().forEach((n, r) -> why.add(n + ": " + r));
      throw new TransportException("no source could be reached (" + String.join("; ", why) + ")");
    }
    return new SourceSet(o.sources(), o.unreachable());
  }
}
