package io.chasm.examples.chasmd;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Listener;
import io.chasm.api.transport.Transports;
import io.chasm.api.trust.Signer;
import io.chasm.examples.common.DaemonPublishProtocol;
import io.chasm.examples.common.IndexSummary;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.index.IndexCache;
import io.chasm.hashtree.index.IndexProgress;
import io.chasm.hashtree.index.IndexResult;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotBuilder;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An origin's oracle publishing on request ({@code chasm publish} through {@code
 * STATE/publish.sock}, tck/SPEC.md §6.8): it keeps the tree's index in memory between publishes
 * ({@link IndexCache}), re-indexes through its own watcher's journal, signs with the configured
 * {@code oracle.key} (the request names the key it wants, by id, and never carries key material)
 * and hands the new snapshot to the oracle, which serves and pushes it at once.
 */
final class DaemonPublisher implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonPublisher.class);

  private final Path tree;
  private final Path state;
  private final String name;
  private final Signer signer;
  private final Consumer<SignedSnapshot> published;
  private final IndexCache cache = new IndexCache();
  private Listener listener;
  private volatile boolean closed;

  DaemonPublisher(Path tree, Path state, String name, Signer signer, Consumer<SignedSnapshot> published) {
    this.tree = tree;
    this.state = state;
    this.name = name;
    this.signer = signer;
    this.published = published;
  }

  /** Opens the tree's index through this publisher's cache (the auto-publisher shares it). */
  TreeIndex open() throws IOException {
    return TreeIndex.open(tree, state, ChunkingParams.DEFAULT, cache);
  }

  /** Starts answering on {@code STATE/publish.sock} with the socket permissions {@code mode}. */
  void listen(String mode) throws TransportException {
    URI uri = URI.create("unix://" + DaemonPublishProtocol.socket(state.toAbsolutePath()) + "?mode=" + mode);
    listener = Transports.listen(uri);
    Thread t = new Thread(this::acceptLoop, "chasmd-publish");
    t.setDaemon(true);
    t.start();
    LOG.info("publishing on request at {}", DaemonPublishProtocol.socket(state));
  }

  private void acceptLoop() {
    while (!closed) {
      Connection c;
      try {
        c = listener.accept();
      } catch (TransportException e) {
        if (!closed) {
          LOG.warn("publish socket: {}", e.getMessage());
        }
        return;
      }
      // One thread per request: a client that never sends cannot hold up the next one.
      Thread t = new Thread(() -> serve(c), "chasmd-publish-request");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Connection c) {
    try (c) {
      Map<String, Object> reply;
      try {
        reply = handle(DaemonPublishProtocol.read(c.input()));
      } catch (IOException e) {
        reply = error("bad_request", e.getMessage());
      }
      DaemonPublishProtocol.write(c.output(), reply);
    } catch (IOException e) {
      LOG.debug("publish request: {}", e.toString());
    }
  }

  /** Answers one request (see tck/SPEC.md §6.8 for the members). */
  Map<String, Object> handle(Map<String, Object> request) {
    if (!Integer.valueOf(DaemonPublishProtocol.VERSION).equals(request.get("chasm_publish"))) {
      return error("unsupported", "this daemon answers publish requests of version " + DaemonPublishProtocol.VERSION);
    }
    String mine = signer.publicKey().keyId().toString();
    if (!mine.equals(request.get("key_id"))) {
      return error("key_mismatch", "this daemon signs with key " + mine + " (oracle.key), not " + request.get("key_id"));
    }
    Duration validity = SnapshotBuilder.DEFAULT_VALIDITY;
    Object e = request.get("expires_seconds");
    if (e != null) {
      if (!(e instanceof Number n) || n.longValue() <= 0) {
        return error("bad_request", "expires_seconds must be a positive number of seconds");
      }
      validity = Duration.ofSeconds(n.longValue());
    }
    String origin = request.get("origin") instanceof String s && !s.isEmpty() ? s : name;
    long start = System.nanoTime();
    try {
      return publish(origin, validity, start);
    } catch (IOException | CorruptObjectException | RuntimeException x) {
      LOG.warn("publish on request failed: {}", x.toString());
      return error("failed", x.getMessage() == null ? x.toString() : x.getMessage());
    }
  }

  private Map<String, Object> publish(String origin, Duration validity, long start) throws IOException, CorruptObjectException {
    IndexResult r;
    String walk;
    SignedSnapshot s;
    try (TreeIndex index = open()) {
      r = index.updateFromJournal(new IndexProgress());
      walk = index.lastWalk();
      s = index.publish(origin, validity, signer);
    }
    published.accept(s);
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info("published snapshot {} on request in {} s ({})", s.snapshot().sequence(), String.format("%.3f", seconds), walk);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", true);
    m.put("sequence", s.snapshot().sequence());
    m.put("snapshot", s.id().toString());
    m.put("origin", s.snapshot().origin());
    m.put("expires", s.snapshot().expires().toString());
    m.put("signed_by", signer.publicKey().keyId().toString());
    Map<String, Object> summary = IndexSummary.of(r);
    summary.put("walk", walk);
    m.put("index", summary);
    m.put("daemon_seconds", seconds);
    return m;
  }

  private static Map<String, Object> error(String code, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", false);
    m.put("error", code);
    m.put("message", message);
    return m;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (listener != null) {
      listener.close();
    }
  }
}
