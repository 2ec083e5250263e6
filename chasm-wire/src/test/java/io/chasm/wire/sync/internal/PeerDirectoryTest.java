package io.chasm.wire.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PeerDirectoryTest {
  private static final URI PUBLIC = URI.create("tcp://203.0.113.7:7420");
  private static final URI LOOPBACK = URI.create("tcp://127.0.0.1:7420");

  @Test
  void offer_keepsValidPublicEndpoints_dropsTheRest() {
    PeerDirectory d = new PeerDirectory(16, 64, false, List.of(PUBLIC, URI.create("tcp://198.51.100.1:7420")));
    List<URI> took = d.offer(PUBLIC, List.of(
        "tcp://198.51.100.2:7420",          // kept
        "tcp://mirror.example.org:7420",    // kept (names are not resolved)
        "tcp://198.51.100.2:7420",          // duplicate
        "tcp://198.51.100.1:7420",          // a configured upstream
        "tcp://203.0.113.7:7420",           // the source itself
        "tcp://127.0.0.1:7420",             // loopback
        "tcp://localhost:7420",
        "tcp://10.1.2.3:7420",              // RFC 1918
        "tcp://172.16.0.1:7420",
        "tcp://192.168.1.1:7420",
        "tcp://[fd00::1]:7420",             // RFC 4193
        "tcp://[fe80::1]:7420",             // link-local
        "tcp://0.0.0.0:7420",               // unspecified
        "tcp://[::1]:7420",
        "unix:///run/chasm.sock",           // not a network endpoint
        "http://198.51.100.3/",             // not the protocol
        "tcp://198.51.100.4",               // no port
        "tcp://198.51.100.5:7420/path",
        "tcp://user@198.51.100.6:7420",
        "not a uri at all"));

    assertThat(took).containsExactly(URI.create("tcp://198.51.100.2:7420"), URI.create("tcp://mirror.example.org:7420"));
    assertThat(d.dropped()).isEqualTo(18);
  }

  @Test
  void offer_fromALoopbackOrPrivateSource_keepsPrivateEndpoints() {
    PeerDirectory d = new PeerDirectory(16, 64, false, List.of());
    assertThat(d.offer(LOOPBACK, List.of("tcp://127.0.0.1:7421", "tcp://10.0.0.2:7420"))).hasSize(2);
  }

  @Test
  void offer_privateFromPublic_keptWhenAllowed() {
    PeerDirectory d = new PeerDirectory(16, 64, true, List.of());
    assertThat(d.offer(PUBLIC, List.of("tcp://10.0.0.2:7420"))).containsExactly(URI.create("tcp://10.0.0.2:7420"));
  }

  @Test
  void offer_boundsPerSourceAndInAll() {
    PeerDirectory d = new PeerDirectory(3, 5, false, List.of());
    List<String> many = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      many.add("tcp://198.51.100." + i + ":7420");
    }
    assertThat(d.offer(PUBLIC, many)).hasSize(3);
    assertThat(d.offer(URI.create("tcp://203.0.113.8:7420"), many.subList(3, 10))).hasSize(2);
    assertThat(d.offer(URI.create("tcp://203.0.113.9:7420"), List.of("tcp://198.51.100.99:7420"))).isEmpty();
    assertThat(d.peers()).hasSize(5);
  }

  @Property(tries = 300)
  void offer_neverExceedsItsBounds_andTakesOnlyTcpHostPort(@ForAll @Size(max = 40) List<String> endpoints,
      @ForAll @IntRange(min = 0, max = 8) int perSource, @ForAll @IntRange(min = 0, max = 12) int total) {
    PeerDirectory d = new PeerDirectory(perSource, total, false, List.of());
    List<URI> took = d.offer(PUBLIC, endpoints);
    List<String> again = new ArrayList<>(endpoints);
    again.add("tcp://198.51.100.1:1");
    d.offer(URI.create("tcp://203.0.113.99:7420"), again);
    assertThat(took.size()).isLessThanOrEqualTo(Math.min(perSource, total));
    assertThat(d.peers().size()).isLessThanOrEqualTo(total);
    assertThat(d.peers()).doesNotHaveDuplicates().allSatisfy(u -> {
      assertThat(u.getScheme()).isEqualTo("tcp");
      assertThat(u.getPort()).isBetween(1, 65535);
      assertThat(PeerDirectory.isLocal(u.getHost())).isFalse();
    });
  }
}
