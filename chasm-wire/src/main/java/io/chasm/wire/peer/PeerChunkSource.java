package io.chasm.wire.peer;

import io.chasm.wire.ChunkSink;
import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.ChunkSource;
import io.chasm.api.source.OriginChange;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A peer as a {@link ChunkSource} for one repository: each batch is one pipelined chunk request
 * ({@link PeerClient#chunks}), verified by the client before the receiver sees a chunk; the ids the
 * peer reports missing are answered "not held" when the request completes.
 */
public final class PeerChunkSource implements ChunkSource {
  private final String name;
  private final Supplier<PeerClient> connection;
  private final String repository;
  private final Function<Hash, byte[]> prefixes;
  private final boolean compressed;

  /**
   * @param name the name in logs and errors (the peer's URI)
   * @param connection the connection for the next batch (several may take turns)
   * @param prefixes for each id the prefix of the chunk the caller already holds, or null (SPEC §9.17)
   * @param compressed whether chunks are asked for zstd-compressed (when negotiated)
   */
  public PeerChunkSource(String name, Supplier<PeerClient> connection, String repository,
      Function<Hash, byte[]> prefixes, boolean compressed) {
    this.name = Objects.requireNonNull(name);
    this.connection = Objects.requireNonNull(connection);
    this.repository = Objects.requireNonNull(repository);
    this.prefixes = Objects.requireNonNull(prefixes);
    this.compressed = compressed;
  }

  /** One connection, no prefixes, compression as negotiated. */
  public static PeerChunkSource of(PeerClient client, String repository) {
    return new PeerChunkSource(client.toString(), () -> client, repository, id -> null, true);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver) {
    ChunkSink sink = (id, data) -> {
      try {
        receiver.chunk(id, data);
      } catch (ChasmException e) {
        throw new Rejected(e);
      }
    };
    CompletableFuture<Void> done = new CompletableFuture<>();
    connection.get().chunks(repository, ids, prefixes, sink, compressed).whenComplete((r, err) -> {
      if (err != null) {
        Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        done.completeExceptionally(c instanceof Rejected x ? x.getCause() : c);
        return;
      }
      for (Hash id : r.missing()) {
        OriginChange why = r.changed().get(id);
        if (why != null) {
          receiver.notHeld(id, why);
        } else {
          receiver.notHeld(id);
        }
      }
      done.complete(null);
    });
    return done;
  }

  /** Carries the receiver's own failure through the client's sink, which may throw only I/O failures. */
  private static final class Rejected extends IOException {
    Rejected(ChasmException cause) {
      super(cause.getMessage(), cause);
    }
  }

  @Override
  public boolean verifiesChunks() {
    return true;
  }

  @Override
  public String toString() {
    return name;
  }
}
