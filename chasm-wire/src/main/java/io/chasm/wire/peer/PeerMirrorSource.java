package io.chasm.wire.peer;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;
import io.chasm.api.source.ChunkSource;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.MirrorSource;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A protocol peer as a {@link MirrorSource}: heads, objects and chunks over one {@link PeerClient}
 * connection. The client already verifies objects and chunks against their ids, so a bad byte
 * fails the request that carried it.
 */
public final class PeerMirrorSource implements MirrorSource {
  private final String name;
  private final PeerClient client;

  private PeerMirrorSource(String name, PeerClient client) {
    this.name = name;
    this.client = client;
  }

  /** Connects to {@code uri} (any scheme a registered transport serves: tcp, unix, mem). */
  public static PeerMirrorSource connect(URI uri, ClientOptions options) throws ChasmException {
    return new PeerMirrorSource(uri.toString(), PeerClient.connect(uri, options));
  }

  /** Wraps an open client; {@link #close()} closes it. */
  public static PeerMirrorSource of(String name, PeerClient client) {
    return new PeerMirrorSource(name, client);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletableFuture<Optional<byte[]>> head(String repository) {
    return client.head(repository);
  }

  @Override
  public CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, List<ObjectId> ids) {
    return client.objects(repository, ids);
  }

  @Override
  public ChunkSource chunks(String repository, String path, FileManifest manifest) {
    return new PeerChunkSource(name, () -> client, repository, id -> null, true);
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return name;
  }
}
