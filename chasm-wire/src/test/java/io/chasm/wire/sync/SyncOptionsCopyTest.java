package io.chasm.wire.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.sign.Ed25519;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncOptionsCopyTest {
  /**
   * withExtraUpstreams copies the options field by field: a field added later and not copied would
   * silently fall back to its zero value for every pushed sync (peer exchange once did).
   */
  @Test
  void withExtraUpstreams_keepsEveryOtherOption() throws Exception {
    SyncOptions o = SyncOptions.builder(Path.of("dest"), TrustPolicy.single(Ed25519.generate().publicKey()))
        .upstream(URI.create("tcp://a:1"))
        .peers(3, true)
        .stallTimeout(Duration.ofSeconds(7))
        .build();
    SyncOptions copy = o.withExtraUpstreams(List.of(URI.create("tcp://b:2")));
    assertThat(copy.upstreams()).containsExactly(URI.create("tcp://a:1"), URI.create("tcp://b:2"));
    for (Field f : SyncOptions.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || f.getName().equals("upstreams")) {
        continue;
      }
      f.setAccessible(true);
      assertThat(f.get(copy)).as(f.getName()).isEqualTo(f.get(o));
    }
  }
}
