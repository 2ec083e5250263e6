package io.chasm.wire.transport;

import java.net.ServerSocket;
import java.net.URI;

class TcpTransportTest extends AbstractTransportTest {
  @Override
  protected URI listenUri() {
    return URI.create("tcp://127.0.0.1:0");
  }

  @Override
  protected URI deadUri() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return URI.create("tcp://127.0.0.1:" + s.getLocalPort());
    }
  }
}
