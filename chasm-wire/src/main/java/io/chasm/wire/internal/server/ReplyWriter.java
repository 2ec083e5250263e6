package io.chasm.wire.internal.server;

import io.chasm.api.LimitExceededException;
import io.chasm.wire.internal.frame.FrameWriter;
import io.chasm.wire.proto.peer.Error;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.Reply;
import java.io.IOException;

/** Writes replies of one connection; a reply too large to send becomes a LIMIT error instead. */
final class ReplyWriter {
  private final FrameWriter writer;

  ReplyWriter(FrameWriter writer) {
    this.writer = writer;
  }

  void reply(long id, Reply.Builder r, boolean flush) throws IOException {
    try {
      writer.write(Frame.newBuilder().setReply(r.setRequestId(id)).build(), flush);
    } catch (LimitExceededException e) {
      // Only a huge envelope or peer list can get here; items are size-checked before.
      Frame error = Frame.newBuilder().setReply(Reply.newBuilder().setRequestId(id).setError(
          Error.newBuilder().setCode(ErrorCode.LIMIT).setMessage(e.getMessage()))).build();
      try {
        writer.write(error, true);
      } catch (LimitExceededException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
  }
}
