package io.chasm.wire.get.internal;

import io.chasm.api.ChasmException;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.MirrorSource;
import io.chasm.wire.peer.PeerMirrorSource;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Opens a source for each URI, all at once (a dead address costs its connect timeout once, not
 * once per source before it). Protocol URIs (tcp, unix, mem) become {@link PeerMirrorSource}s;
 * {@code http}/{@code https} mirrors plug in here as another {@link MirrorSource}.
 */
public final class SourceOpener {
  /** What was opened, and the URIs that could not be, with the reason. */
  public record Opened(List<MirrorSource> sources, Map<String, String> unreachable) {}

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
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    if (scheme.equals("http") || scheme.equals("https")) {
      throw new ChasmException(uri + ": plain web mirrors are not a source of this build yet");
    }
    return PeerMirrorSource.connect(uri, options);
  }
}
