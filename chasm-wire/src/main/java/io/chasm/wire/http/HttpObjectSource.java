package io.chasm.wire.http;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.ChunkSource;
import io.chasm.hashtree.tree.ExportLayout;
import io.chasm.wire.ObjectVerifier;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A web mirror's exported trees or file manifests (one kind per source) in the {@link ChunkSource}
 * shape, ids being the objects' hashes, so a sync's scheduler fetches them like a protocol peer's.
 * Each object is checked with the given verifier (decoded against its full id) before it is
 * answered, hence {@link #verifiesChunks()}; one that fails fails the batch, and the mirror with it.
 */
public final class HttpObjectSource implements ChunkSource {
  private final HttpMirror mirror;
  private final ObjectKind kind;
  private final ObjectVerifier verifier;

  /** @throws IllegalArgumentException for a kind an export does not hold */
  public HttpObjectSource(HttpMirror mirror, ObjectKind kind, ObjectVerifier verifier) {
    if (!ExportLayout.exported(kind)) {
      throw new IllegalArgumentException("an export holds no " + kind + " objects");
    }
    this.mirror = mirror;
    this.kind = kind;
    this.verifier = verifier;
  }

  @Override
  public String name() {
    return mirror.root().toString();
  }

  @Override
  public CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver) {
    CompletableFuture<Void> f = mirror.submit(() -> {
      for (Hash h : ids) {
        ObjectId id = new ObjectId(kind, h);
        Optional<byte[]> got = mirror.fetchWhole(ExportLayout.objectPath(id));
        if (got.isEmpty()) {
          receiver.notHeld(h);
          continue;
        }
        try {
          verifier.verify(id, got.get());
          receiver.chunk(h, got.get());
        } catch (ChasmException e) {
          throw new CompletionException(e);
        }
      }
      return null;
    });
    return f;
  }

  @Override
  public boolean verifiesChunks() {
    return true;
  }
}
