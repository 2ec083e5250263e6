package io.chasm.wire.internal.client;

import com.google.protobuf.ByteString;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.LimitExceededException;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.internal.ChunkCodec;
import io.chasm.wire.proto.peer.Item;

/** Turns an item's wire bytes into its raw bytes, refusing sizes that lie. Reader thread only. */
final class ItemDecoder implements AutoCloseable {
  private final String peer;
  private final ClientOptions options;
  private final ChunkCodec codec = new ChunkCodec();

  ItemDecoder(String peer, ClientOptions options) {
    this.peer = peer;
    this.options = options;
  }

  byte[] decode(Item item) throws CorruptObjectException, LimitExceededException {
    ByteString data = item.getData();
    switch (item.getCompression()) {
      case NONE -> {
        if (data.size() != item.getRawSize()) {
          throw new CorruptObjectException("item from " + peer + " has " + data.size() + " bytes, raw_size says " + item.getRawSize());
        }
        return data.toByteArray();
      }
      case ZSTD -> {
        if (!options.acceptZstd()) {
          throw new CorruptObjectException(peer + " sent zstd data that was not asked for");
        }
        byte[] packed = data.toByteArray();
        return codec.decompress(packed, 0, packed.length, Integer.toUnsignedLong(item.getRawSize()), options.limits().maxFrameBytes());
      }
      default -> throw new CorruptObjectException(peer + " sent an item with unknown compression " + item.getCompressionValue());
    }
  }

  @Override
  public void close() {
    codec.close();
  }
}
