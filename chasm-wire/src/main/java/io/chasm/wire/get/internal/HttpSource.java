package io.chasm.wire.get.internal;

import io.chasm.api.ObjectId;
import io.chasm.api.source.ChunkSource;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.wire.MirrorSource;
import io.chasm.wire.http.ChunkMap;
import io.chasm.wire.http.HttpChunkSource;
import io.chasm.wire.http.HttpMirror;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A plain web mirror carrying a static export (SPEC §12) as a {@link MirrorSource}: the export's
 * head and objects, and a file's chunks by Range requests on that one file. It checks nothing; the
 * download checks everything it returns.
 */
final class HttpSource implements MirrorSource {
  private final HttpMirror mirror;

  HttpSource(HttpMirror mirror) {
    this.mirror = mirror;
  }

  @Override
  public String name() {
    return mirror.root().toString();
  }

  /** The export holds one repository's head, whatever name is asked for. */
  @Override
  public CompletableFuture<Optional<byte[]>> head(String repository) {
    return mirror.head();
  }

  @Override
  public CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, List<ObjectId> ids) {
    Map<ObjectId, CompletableFuture<Optional<byte[]>>> asked = new LinkedHashMap<>();
    for (ObjectId id : ids) {
      asked.put(id, mirror.object(id));
    }
    return CompletableFuture.allOf(asked.values().toArray(new CompletableFuture<?>[0])).thenApply(v -> {
      Map<ObjectId, byte[]> got = new LinkedHashMap<>();
      asked.forEach((id, f) -> f.join().ifPresent(b -> got.put(id, b)));
      return got;
    });
  }

  @Override
  public ChunkSource chunks(String repository, String path, FileManifest manifest) {
    return new HttpChunkSource(mirror, new ChunkMap().add(path, manifest));
  }

  @Override
  public void close() {
    mirror.close();
  }

  @Override
  public String toString() {
    return name();
  }
}
