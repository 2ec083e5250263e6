package io.chasm.wire.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Listener;
import io.chasm.api.transport.Transports;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixTransportTest extends AbstractTransportTest {
  @TempDir static Path dir;
  private static int counter;

  @Override
  protected URI listenUri() {
    return URI.create("unix://" + dir.resolve("s" + (counter++) + ".sock"));
  }

  @Override
  protected URI deadUri() {
    return URI.create("unix://" + dir.resolve("nobody.sock"));
  }

  @Test
  void listen_removesStaleSocketFile() throws Exception {
    Path p = dir.resolve("stale.sock");
    ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    dead.bind(UnixDomainSocketAddress.of(p));
    dead.close(); // the JDK leaves the file behind, as a killed process would
    assertThat(Files.exists(p)).isTrue();
    try (Listener l = Transports.listen(URI.create("unix://" + p))) {
      pool.submit(l::accept);
      try (Connection c = Transports.connect(l.uri())) {
        assertThat(c.peerDescription()).contains("stale.sock");
      }
    }
    assertThat(Files.exists(p)).isFalse();
  }

  @Test
  void listen_onLiveSocket_refuses() {
    assertThatThrownBy(() -> Transports.listen(listener.uri()))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("another process is listening");
  }

  @Test
  void listen_onRegularFile_refusesAndKeepsTheFile() throws Exception {
    Path p = Files.writeString(dir.resolve("precious.txt"), "keep me");
    assertThatThrownBy(() -> Transports.listen(URI.create("unix://" + p)))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("not a socket");
    assertThat(Files.readString(p)).isEqualTo("keep me");
  }

  @Test
  void listen_setsModeFromQuery() throws Exception {
    Path p = dir.resolve("private.sock");
    try (Listener l = Transports.listen(URI.create("unix://" + p + "?mode=600"))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
    }
    try (Listener l = Transports.listen(URI.create("unix://" + p))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-rw----");
    }
  }
}
