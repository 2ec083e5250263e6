package io.chasm.tck;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** The same TCK over a Unix domain socket. */
class PeerServerUnixTckTest extends PeerServerTckTest {
  @Override
  protected URI listenUri() throws Exception {
    Path dir = Files.createTempDirectory("chasm-tck");
    dir.toFile().deleteOnExit();
    return URI.create("unix://" + dir.resolve("peer.sock"));
  }
}
