package io.chasm.wire.internal.client;

import com.google.protobuf.ByteString;
import io.chasm.api.ChasmException;
import io.chasm.api.ProtocolException;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.OriginChanged;
import io.chasm.wire.proto.peer.Reply;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Item-by-item replies (GetObjects, GetChunks) checked against the ids asked for, in order. */
abstract class ItemsPending extends Pending {
  private final String peer;
  private final ItemDecoder decoder;
  private final List<ByteString> ids;
  private final CompletableFuture<Void> done;
  private final String kind;
  private int next;
  private boolean failed;

  ItemsPending(RequestPipeline pipeline, List<ByteString> ids, CompletableFuture<Void> done, String kind) {
    this.peer = pipeline.peer();
    this.decoder = pipeline.decoder();
    this.ids = ids;
    this.done = done;
    this.kind = kind;
  }

  abstract void deliver(int index, byte[] data) throws IOException, ChasmException;

  /** Joins an offered prefix and the rest the server sent (§9.17); only chunk requests offer prefixes. */
  byte[] assemble(int index, int prefixLength, byte[] rest) throws ChasmException {
    throw new ProtocolException(peer + " sent a partial " + kind + " that was not asked for");
  }

  /** The manifest a delta over an offered base rebuilds (§9.21); only object requests offer bases. */
  byte[] rebuild(int index, byte[] delta) throws ChasmException {
    throw new ProtocolException(peer + " sent a manifest delta for " + kind + " " + index + " that was not asked for");
  }

  void wire(int bytes) {}

  /** @param why the server's reason (§9.18), or null */
  void missing(int index, OriginChanged why) {}

  @Override
  boolean onReply(Reply r) throws ChasmException {
    switch (r.getKindCase()) {
      case ITEM -> {
        Item item = r.getItem();
        if (next >= ids.size()) {
          throw new ProtocolException(peer + " sent more " + kind + "s than the " + ids.size() + " asked for");
        }
        if (!item.getId().equals(ids.get(next))) {
          throw new ProtocolException(peer + " sent " + kind + " " + next + " out of order or not asked for");
        }
        int index = next++;
        if (failed) {
          return false;
        }
        if (item.getMissing() != ErrorCode.ERROR_CODE_UNSPECIFIED) {
          missing(index, item.hasOriginChanged() ? item.getOriginChanged() : null);
          return false;
        }
        try {
          byte[] data = decoder.decode(item);
          if (item.getPrefixLength() != 0) {
            data = assemble(index, item.getPrefixLength(), data);
          }
          if (item.getManifestDelta()) {
            data = rebuild(index, data);
          }
          wire(item.getData().size());
          deliver(index, data);
        } catch (ChasmException | IOException e) {
          failed = true;
          done.completeExceptionally(e);
        }
        return false;
      }
      case END -> {
        if (next != ids.size() && !failed) {
          throw new ProtocolException(peer + " ended a reply after " + next + " of " + ids.size() + " " + kind + "s");
        }
        done.complete(null);
        return true;
      }
      case ERROR -> {
        done.completeExceptionally(Replies.error(peer, r));
        return true;
      }
      default -> throw Replies.unexpected(peer, r, kind + " request");
    }
  }

  @Override
  void fail(Throwable t) {
    done.completeExceptionally(t);
  }
}
