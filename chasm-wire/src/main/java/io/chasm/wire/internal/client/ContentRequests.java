package io.chasm.wire.internal.client;

import com.google.protobuf.ByteString;
import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ProtocolException;
import io.chasm.api.source.OriginChange;
import io.chasm.wire.Capabilities;
import io.chasm.wire.ChunkFetch;
import io.chasm.wire.ChunkSink;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.HeadInfo;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.proto.peer.ChunkPrefix;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.OriginChanged;
import io.chasm.wire.proto.peer.GetChunks;
import io.chasm.wire.proto.peer.GetHead;
import io.chasm.wire.proto.peer.GetObjects;
import io.chasm.wire.proto.peer.ManifestBase;
import io.chasm.api.ObjectKind;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.merkle.ManifestDelta;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Heads, objects and chunks: each call becomes as many pipelined requests as the negotiated
 * ids-per-request limit needs, and every object and chunk is verified before it is handed on.
 */
public final class ContentRequests {
  private final RequestPipeline pipeline;
  private final String peer;
  private final ClientOptions options;
  private final Set<String> capabilities;
  private final ChunkVerifier verifier;

  public ContentRequests(RequestPipeline pipeline, Set<String> capabilities) {
    this.pipeline = pipeline;
    this.peer = pipeline.peer();
    this.options = pipeline.options();
    this.capabilities = capabilities;
    this.verifier = new ChunkVerifier(peer);
  }

  public CompletableFuture<Optional<byte[]>> head(String repository) {
    return head(repository, null).thenApply(h -> h.map(HeadInfo::envelope));
  }

  /** GetHead, telling the server the newest envelope this client holds ({@code seen}, may be null). */
  public CompletableFuture<Optional<HeadInfo>> head(String repository, byte[] seen) {
    CompletableFuture<Optional<HeadInfo>> f = new CompletableFuture<>();
    GetHead.Builder get = GetHead.newBuilder().setRepository(repository);
    if (seen != null) {
      get.setSeenEnvelope(com.google.protobuf.ByteString.copyFrom(seen));
    }
    pipeline.send(Request.newBuilder().setGetHead(get), new Pending() {
      @Override
      boolean onReply(Reply r) throws ProtocolException {
        switch (r.getKindCase()) {
          case HEAD -> f.complete(Optional.of(new HeadInfo(r.getHead().getEnvelope().toByteArray(), r.getHead().getHoldersList(),
              r.getHead().getProofsList().stream().map(com.google.protobuf.ByteString::toByteArray).toList())));
          case ERROR -> {
            if (r.getError().getCode() == ErrorCode.NOT_FOUND) {
              f.complete(Optional.empty());
            } else {
              f.completeExceptionally(Replies.error(peer, r));
            }
          }
          default -> throw Replies.unexpected(peer, r, "GetHead");
        }
        return true;
      }

      @Override
      void fail(Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  public CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, Collection<ObjectId> ids) {
    return objects(repository, ids, id -> null);
  }

  /**
   * GetObjects, offering for each file manifest id the earlier manifest {@code bases} names (or
   * null) when the peer takes deltas (§9.21); a delta is rebuilt here and verified as a whole manifest.
   */
  public CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, Collection<ObjectId> ids,
      Function<ObjectId, FileManifest> bases) {
    boolean deltas = capabilities.contains(Capabilities.MANIFEST_DELTA);
    int maxChunks = (options.limits().maxFrameBytes() - 7) / 36;
    Map<ObjectId, byte[]> result = new LinkedHashMap<>();
    List<ObjectId> all = List.copyOf(ids);
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    int idsPerRequest = pipeline.idsPerRequest();
    for (int from = 0; from < all.size(); from += idsPerRequest) {
      List<ObjectId> batch = all.subList(from, Math.min(all.size(), from + idsPerRequest));
      List<ByteString> wire = new ArrayList<>(batch.size());
      batch.forEach(id -> wire.add(WireIds.objectId(id)));
      CompletableFuture<Void> part = new CompletableFuture<>();
      parts.add(part);
      boolean zstd = options.acceptZstd() && capabilities.contains(Capabilities.ZSTD);
      GetObjects.Builder req = GetObjects.newBuilder().setRepository(repository).addAllIds(wire).setAcceptZstd(zstd);
      FileManifest[] offered = new FileManifest[batch.size()];
      for (int i = 0; deltas && i < batch.size(); i++) {
        offered[i] = batch.get(i).kind() == ObjectKind.FILE ? bases.apply(batch.get(i)) : null;
        if (offered[i] != null) {
          req.addBases(ManifestBase.newBuilder().setIndex(i).setBase(WireIds.objectId(offered[i].id())));
        }
      }
      pipeline.send(Request.newBuilder().setGetObjects(req),
          new ItemsPending(pipeline, wire, part, "object") {
            @Override
            byte[] rebuild(int index, byte[] delta) throws ChasmException {
              FileManifest base = offered[index];
              if (base == null) {
                return super.rebuild(index, delta);
              }
              return ManifestDelta.apply(base, delta, maxChunks);
            }

            @Override
            void deliver(int index, byte[] data) throws ChasmException {
              ObjectId id = batch.get(index);
              options.objectVerifier().verify(id, data);
              synchronized (result) {
                result.put(id, data);
              }
            }
          });
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> result);
  }

  public CompletableFuture<ChunkFetch> chunks(String repository, Collection<Hash> ids,
      Function<Hash, byte[]> prefixes, ChunkSink sink, boolean compressed) {
    List<Hash> all = List.copyOf(ids);
    List<Hash> missing = new ArrayList<>();
    Map<Hash, OriginChange> changed = new java.util.HashMap<>();
    long[] counts = new long[3]; // delivered, wire bytes, raw bytes
    boolean zstd = compressed && options.acceptZstd() && capabilities.contains(Capabilities.ZSTD);
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    int idsPerRequest = pipeline.idsPerRequest();
    for (int from = 0; from < all.size(); from += idsPerRequest) {
      List<Hash> batch = all.subList(from, Math.min(all.size(), from + idsPerRequest));
      List<ByteString> wire = new ArrayList<>(batch.size());
      batch.forEach(id -> wire.add(WireIds.hash(id)));
      CompletableFuture<Void> part = new CompletableFuture<>();
      parts.add(part);
      GetChunks.Builder req = GetChunks.newBuilder().setRepository(repository).addAllIds(wire).setAcceptZstd(zstd);
      byte[][] held = new byte[batch.size()][];
      for (int i = 0; i < batch.size(); i++) {
        byte[] p = prefixes.apply(batch.get(i));
        if (p != null && p.length > 0) {
          held[i] = p;
          MessageDigest d = batch.get(i).algorithm().newDigest();
          d.update(p);
          Hash h = Hash.finish(batch.get(i).algorithm(), d);
          req.addPrefixes(ChunkPrefix.newBuilder().setIndex(i).setLength(p.length).setHash(WireIds.hash(h)));
        }
      }
      pipeline.send(Request.newBuilder().setGetChunks(req),
          new ItemsPending(pipeline, wire, part, "chunk") {
            @Override
            byte[] assemble(int index, int prefixLength, byte[] rest) throws ChasmException {
              byte[] p = held[index];
              if (p == null || p.length != prefixLength) {
                throw new ProtocolException(peer + " sent the rest of chunk " + batch.get(index) + " after a prefix of "
                    + Integer.toUnsignedString(prefixLength) + " bytes that was not offered");
              }
              held[index] = null;
              if ((long) p.length + rest.length > options.limits().maxFrameBytes()) {
                throw new LimitExceededException("chunk " + batch.get(index) + " from " + peer + " exceeds the frame limit");
              }
              byte[] whole = Arrays.copyOf(p, p.length + rest.length);
              System.arraycopy(rest, 0, whole, p.length, rest.length);
              return whole;
            }

            @Override
            void deliver(int index, byte[] data) throws IOException, ChasmException {
              held[index] = null;
              Hash id = batch.get(index);
              verifier.verify(id, data);
              sink.accept(id, data);
              synchronized (counts) {
                counts[0]++;
                counts[2] += data.length;
              }
            }

            @Override
            void wire(int bytes) {
              synchronized (counts) {
                counts[1] += bytes;
              }
            }

            @Override
            void missing(int index, OriginChanged why) {
              synchronized (missing) {
                missing.add(batch.get(index));
                if (why != null && !why.getPath().isEmpty()) {
                  changed.put(batch.get(index), new OriginChange(why.getPath(), why.getSnapshotSequence()));
                }
              }
            }
          });
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
      synchronized (counts) {
        synchronized (missing) {
          return new ChunkFetch((int) counts[0], missing, counts[1], counts[2], changed);
        }
      }
    });
  }
}
