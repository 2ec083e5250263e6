package io.chasm.wire.transport;

import java.net.URI;
import java.util.UUID;

class MemTransportTest extends AbstractTransportTest {
  @Override
  protected URI listenUri() {
    return URI.create("mem://test-" + UUID.randomUUID());
  }

  @Override
  protected URI deadUri() {
    return URI.create("mem://nobody-" + UUID.randomUUID());
  }
}
