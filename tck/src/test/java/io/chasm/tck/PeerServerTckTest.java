package io.chasm.tck;

import io.chasm.testkit.InMemoryBackend;
import io.chasm.wire.peer.PeerServer;
import java.net.URI;

/** Our own PeerServer passes the TCK over tcp (and, in a subclass, over unix). */
class PeerServerTckTest extends PeerServerVerification {
  private InMemoryBackend backend;
  private PeerServer server;

  protected URI listenUri() throws Exception {
    return URI.create("tcp://127.0.0.1:0");
  }

  @Override
  protected URI startServer(PeerFixture f) throws Exception {
    backend = new InMemoryBackend().putHead(PeerFixture.REPOSITORY, f.head());
    f.objects().forEach(backend::putObject);
    f.chunks().values().forEach(backend::putChunk);
    server = PeerServer.builder(backend).build();
    return server.listen(listenUri());
  }

  @Override
  protected void stopServer() {
    server.close();
  }

  @Override
  protected void publishHead(byte[] envelope) {
    backend.putHead(PeerFixture.REPOSITORY, envelope);
    server.publish(PeerFixture.REPOSITORY);
  }
}
