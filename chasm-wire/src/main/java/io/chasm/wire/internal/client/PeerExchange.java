package io.chasm.wire.internal.client;

import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.Hash;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.proto.peer.Announce;
import io.chasm.wire.proto.peer.GetPeers;
import io.chasm.wire.proto.peer.Request;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Peer exchange and announcements: who else holds a snapshot, and telling a server about a new one. */
public final class PeerExchange {
  private PeerExchange() {}

  public static CompletableFuture<List<String>> peers(RequestPipeline pipeline, String repository, Hash snapshot) {
    CompletableFuture<List<String>> f = new CompletableFuture<>();
    GetPeers.Builder g = GetPeers.newBuilder().setRepository(repository);
    if (snapshot != null) {
      g.setSnapshot(WireIds.hash(snapshot));
    }
    pipeline.send(Request.newBuilder().setGetPeers(g),
        Replies.terminal(pipeline.peer(), f, r -> r.hasPeers() ? List.copyOf(r.getPeers().getEndpointsList()) : null, "GetPeers"));
    return f;
  }

  public static CompletableFuture<Void> announce(RequestPipeline pipeline, String repository, byte[] envelope, List<String> holders) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    pipeline.send(Request.newBuilder().setAnnounce(Announce.newBuilder().setRepository(repository)
        .setEnvelope(UnsafeByteOperations.unsafeWrap(envelope)).addAllHolders(holders)),
        Replies.terminal(pipeline.peer(), f, r -> r.hasEnd() ? Boolean.TRUE : null, "Announce"));
    return f.thenApply(x -> (Void) null);
  }
}
