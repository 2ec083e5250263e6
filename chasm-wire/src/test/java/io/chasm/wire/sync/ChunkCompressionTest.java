package io.chasm.wire.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.wire.sync.SyncOptions.ChunkCompression;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ChunkCompressionTest {
  @Test
  void auto_upstreamOnThisHost_uncompressed() {
    for (String u : new String[] {"unix:///run/chasm.sock", "mem://origin", "tcp://127.0.0.1:9000", "tcp://127.1.2.3:9000",
        "tcp://localhost:9000", "tcp://[::1]:9000"}) {
      assertThat(ChunkCompression.AUTO.compress(URI.create(u))).as(u).isFalse();
    }
  }

  @Test
  void auto_remoteUpstream_compressed() {
    for (String u : new String[] {"tcp://192.0.2.7:9000", "tcp://mirror.example.org:9000", "tcp://deadbeef.invalid:9000", "tcp://[2001:db8::1]:9000"}) {
      assertThat(ChunkCompression.AUTO.compress(URI.create(u))).as(u).isTrue();
    }
  }

  @Test
  void alwaysAndNever_ignoreTheUpstream() {
    URI local = URI.create("tcp://127.0.0.1:9000");
    URI remote = URI.create("tcp://192.0.2.7:9000");
    assertThat(ChunkCompression.ALWAYS.compress(local)).isTrue();
    assertThat(ChunkCompression.ALWAYS.compress(remote)).isTrue();
    assertThat(ChunkCompression.NEVER.compress(local)).isFalse();
    assertThat(ChunkCompression.NEVER.compress(remote)).isFalse();
  }
}
