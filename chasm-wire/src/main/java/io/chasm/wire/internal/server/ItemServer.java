package io.chasm.wire.internal.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.ChasmException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashAlgorithm;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.source.OriginChange;
import io.chasm.wire.Capabilities;
import io.chasm.wire.internal.ChunkCodec;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.proto.peer.ChunkPrefix;
import io.chasm.wire.proto.peer.Compression;
import io.chasm.wire.proto.peer.End;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.GetChunks;
import io.chasm.wire.proto.peer.GetObjects;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.OriginChanged;
import io.chasm.wire.proto.peer.Reply;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Serves objects and chunks item by item (SPEC §9.7–§9.9, §9.17): in request order, compressed
 * when that was asked for and pays, the rest after a prefix the client proved it holds, and
 * "missing" for what is not held or would not fit a frame. Runs on the connection's thread.
 */
final class ItemServer {
  /** Bytes a reply frame adds around an item's data: ids, tags, lengths; generous. */
  private static final int ITEM_OVERHEAD = 256;
  /** Chunks asked of the backend at once: lets a relay pipeline, bounds what one connection holds (16 × 256 KiB). */
  private static final int CHUNK_BATCH = 16;

  private final String peer;
  private final ServerConfig config;
  private final ReplyWriter replies;
  private final ChunkCodec codec;
  private final Set<String> capabilities;
  private final int sendLimit;

  ItemServer(String peer, ServerConfig config, ReplyWriter replies, ChunkCodec codec, ServerHandshake.Agreement agreed) {
    this.peer = peer;
    this.config = config;
    this.replies = replies;
    this.codec = codec;
    this.capabilities = agreed.capabilities();
    this.sendLimit = agreed.sendLimit();
  }

  void objects(long id, String repository, GetObjects r) throws IOException, RequestError {
    List<ObjectId> ids = new ArrayList<>(r.getIdsCount());
    for (ByteString b : r.getIdsList()) {
      try {
        ObjectId oid = WireIds.objectId(b);
        if (oid.kind() == ObjectKind.CHUNK) {
          throw new RequestError(ErrorCode.BAD_REQUEST, "chunks are fetched with GetChunks, not GetObjects");
        }
        ids.add(oid);
      } catch (CorruptObjectException e) {
        throw new RequestError(ErrorCode.BAD_REQUEST, "bad object id: " + e.getMessage());
      }
    }
    boolean zstd = r.getAcceptZstd() && capabilities.contains(Capabilities.ZSTD);
    ObjectId[] bases = ManifestBases.parse(r, ids, capabilities.contains(Capabilities.MANIFEST_DELTA));
    for (int i = 0; i < ids.size(); i++) {
      ObjectId oid = ids.get(i);
      Optional<byte[]> data = RequestError.backend(peer, () -> config.backend().object(repository, oid));
      byte[] delta = bases == null || data.isEmpty() ? null : ManifestBases.delta(config.backend(), repository, bases[i], data.get());
      Item it = delta != null ? item(r.getIds(i), Optional.of(delta), zstd, 0).toBuilder().setManifestDelta(true).build()
          : item(r.getIds(i), data, zstd, 0);
      replies.reply(id, Reply.newBuilder().setItem(it), false);
    }
    replies.reply(id, Reply.newBuilder().setEnd(End.getDefaultInstance()), true);
  }

  void chunks(long id, String repository, GetChunks r) throws IOException, RequestError {
    List<Hash> ids = new ArrayList<>(r.getIdsCount());
    for (ByteString b : r.getIdsList()) {
      try {
        ids.add(WireIds.hash(b));
      } catch (CorruptObjectException e) {
        throw new RequestError(ErrorCode.BAD_REQUEST, "bad chunk id: " + e.getMessage());
      }
    }
    boolean zstd = r.getAcceptZstd() && capabilities.contains(Capabilities.ZSTD);
    ChunkPrefix[] prefixes = prefixes(r);
    for (int from = 0; from < ids.size(); from += CHUNK_BATCH) {
      List<Hash> batch = ids.subList(from, Math.min(ids.size(), from + CHUNK_BATCH));
      List<Optional<byte[]>> data = RequestError.backend(peer, () -> config.backend().chunks(repository, batch));
      if (data.size() != batch.size()) {
        throw new RequestError(ErrorCode.INTERNAL, "the server failed to read the data");
      }
      for (int i = 0; i < batch.size(); i++) {
        Optional<byte[]> d = data.get(i);
        ChunkPrefix p = prefixes == null ? null : prefixes[from + i];
        int skip = p != null && d.isPresent() && prefixMatches(d.get(), p, batch.get(i).algorithm()) ? p.getLength() : 0;
        Item.Builder item = item(r.getIds(from + i), d, zstd, skip).toBuilder();
        if (d.isEmpty()) {
          originChange(repository, batch.get(i)).ifPresent(c ->
              item.setOriginChanged(OriginChanged.newBuilder().setPath(c.path()).setSnapshotSequence(c.snapshot())));
        }
        replies.reply(id, Reply.newBuilder().setItem(item), false);
      }
    }
    replies.reply(id, Reply.newBuilder().setEnd(End.getDefaultInstance()), true);
  }

  /** The reason of §9.18 for a chunk not held, if the backend knows it; a hint, so a failure to tell is no failure. */
  private Optional<OriginChange> originChange(String repository, Hash chunk) {
    try {
      return config.backend().originChange(repository, chunk);
    } catch (IOException | ChasmException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The prefixes offered, by index into the ids (SPEC §9.17); null when none. */
  private static ChunkPrefix[] prefixes(GetChunks r) throws RequestError {
    if (r.getPrefixesCount() == 0) {
      return null;
    }
    ChunkPrefix[] out = new ChunkPrefix[r.getIdsCount()];
    for (ChunkPrefix p : r.getPrefixesList()) {
      if (p.getIndex() >= out.length || out[p.getIndex()] != null || p.getLength() == 0) {
        throw new RequestError(ErrorCode.BAD_REQUEST, "bad chunk prefix (index out of range or repeated, or length 0)");
      }
      out[p.getIndex()] = p;
    }
    return out;
  }

  /** True if the chunk's first {@code p.length} bytes hash to {@code p.hash} (any other hash: no match). */
  private static boolean prefixMatches(byte[] chunk, ChunkPrefix p, HashAlgorithm alg) {
    int n = p.getLength();
    if (Integer.compareUnsigned(n, chunk.length) > 0) {
      return false;
    }
    MessageDigest d = alg.newDigest();
    d.update(chunk, 0, n);
    byte[] want = p.getHash().toByteArray();
    byte[] got = d.digest();
    return want.length == got.length + 1 && (want[0] & 0xff) == alg.code()
        && MessageDigest.isEqual(Arrays.copyOfRange(want, 1, want.length), got);
  }

  private Item item(ByteString id, Optional<byte[]> data, boolean zstd, int skip) {
    Item.Builder b = Item.newBuilder().setId(id);
    if (data.isEmpty()) {
      return b.setMissing(ErrorCode.NOT_FOUND).build();
    }
    byte[] raw = data.get();
    if (skip > 0) {
      raw = Arrays.copyOfRange(raw, skip, raw.length);
      b.setPrefixLength(skip);
    }
    if (raw.length + ITEM_OVERHEAD > sendLimit) {
      return b.setMissing(ErrorCode.LIMIT).build();
    }
    b.setRawSize(raw.length);
    byte[] packed = zstd ? codec.compressIfSmaller(raw) : null;
    if (packed != null) {
      return b.setData(UnsafeByteOperations.unsafeWrap(packed)).setCompression(Compression.ZSTD).build();
    }
    return b.setData(UnsafeByteOperations.unsafeWrap(raw)).build();
  }
}
