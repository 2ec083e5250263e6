package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.ChunkSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A peer's trees or file manifests (one kind per source) in the {@link ChunkSource} shape, so the
 * scheduler spreads object requests like chunk requests: ids are the objects' hashes. The client's
 * object verifier decodes each object against its full id (kind included) before it is answered,
 * a stronger check than hashing, hence {@link #verifiesChunks()}.
 */
final class PeerObjectSource implements ChunkSource {
  private final PeerLink peer;
  private final String repository;
  private final ObjectKind kind;
  private final java.util.function.Function<ObjectId, io.chasm.hashtree.merkle.FileManifest> bases;

  PeerObjectSource(PeerLink peer, String repository, ObjectKind kind) {
    this(peer, repository, kind, id -> null);
  }

  /** @param bases the earlier manifest held for a file id, or null (offered for a delta, SPEC §9.21) */
  PeerObjectSource(PeerLink peer, String repository, ObjectKind kind,
      java.util.function.Function<ObjectId, io.chasm.hashtree.merkle.FileManifest> bases) {
    this.peer = peer;
    this.repository = repository;
    this.kind = kind;
    this.bases = bases;
  }

  @Override
  public String name() {
    return peer.uri().toString();
  }

  @Override
  public CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver) {
    List<ObjectId> batch = new ArrayList<>(ids.size());
    for (Hash h : ids) {
      batch.add(new ObjectId(kind, h));
    }
    return peer.nextClient().objects(repository, batch, bases).thenAccept(got -> {
      try {
        for (Map.Entry<ObjectId, byte[]> e : got.entrySet()) {
          receiver.chunk(e.getKey().hash(), e.getValue());
        }
      } catch (IOException | ChasmException e) {
        throw new CompletionException(e);
      }
      for (ObjectId id : batch) {
        if (!got.containsKey(id)) {
          receiver.notHeld(id.hash());
        }
      }
    });
  }

  @Override
  public boolean verifiesChunks() {
    return true;
  }
}
