package io.chasm.wire.get.internal;

import io.chasm.api.ChasmException;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.MirrorSource;
import io.chasm.wire.http.HttpMirror;
import io.chasm.wire.peer.PeerMirrorSource;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Opens a source for each URI, all at once (a dead address costs its connect timeout once, not
 * once per source before it). Protocol URIs (tcp, unix, mem) become {@link PeerMirrorSource}s,
 * {@code http}/{@code https} URLs of trees that carry a static export become {@link HttpSource}s.
 */
public final class SourceOpener {
  /** What was opened, and the URIs that could not be, with the reason. */
  public record Opened(List<MirrorSource> sources, Map<String, String> unreachable) {}

  /** Connect and first-byte timeout for web mirrors (a protocol peer's come from its ClientOptions). */
  static final Duration WEB_TIMEOUT = Duration.ofSeconds(30);

  private SourceOpener() {}

  public static Opened open(List<URI> uris, ClientOptions options) {
    List<CompletableFuture<MirrorSource>> pending = new ArrayList<>();
    for (URI u : uris) {
      pending.add(CompletableFuture.supplyAsync(() -> {
        try {
          return open(u, options);
        } catch (ChasmException e) {
          throw new CompletionException(e);
        }
      }));
    }
    List<MirrorSource> sources = new ArrayList<>();
    Map<String, String> unreachable = new LinkedHashMap<>();
    for (int i = 0; i < uris.size(); i++) {
      try {
        sources.add(pending.get(i).join());
      } catch (CompletionException e) {
        Throwable c = SourceSet.unwrap(e);
        unreachable.put(uris.get(i).toString(), "dropped: " + c.getClass().getSimpleName() + ": " + c.getMessage());
      }
    }
    return new Opened(sources, unreachable);
  }

  static MirrorSource open(URI uri, ClientOptions options) throws ChasmException {
    if (HttpMirror.accepts(uri)) {
      try {
        return new HttpSource(HttpMirror.open(uri, WEB_TIMEOUT));
      } catch (IllegalArgumentException e) {
        throw new ChasmException(e.getMessage());
      }
    }
    return PeerMirrorSource.connect(uri, options);
  }
}
