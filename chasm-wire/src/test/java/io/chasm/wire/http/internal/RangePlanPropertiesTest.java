package io.chasm.wire.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.Hash;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Range coalescing (RangePlan) and reading answers (RangeReader) over random files, chunk picks and server behaviours. */
class RangePlanPropertiesTest {
  /** Random files cut into random chunks, a random subset of which is asked for. */
  static List<RangePlan.Part> parts(long seed) {
    Random r = new Random(seed);
    List<RangePlan.Part> out = new ArrayList<>();
    int files = 1 + r.nextInt(5);
    int n = 0;
    for (int f = 0; f < files; f++) {
      int chunks = 1 + r.nextInt(20);
      long[] lengths = new long[chunks];
      long size = 0;
      for (int c = 0; c < chunks; c++) {
        lengths[c] = 1 + r.nextInt(r.nextBoolean() ? 100 : 5000);
        size += lengths[c];
      }
      long at = 0;
      for (int c = 0; c < chunks; c++) {
        if (r.nextInt(3) != 0 || (f == 0 && c == 0)) {
          out.add(new RangePlan.Part(id(n++), "dir/f" + f, at, (int) lengths[c], size));
        }
        at += lengths[c];
      }
    }
    java.util.Collections.shuffle(out, r);
    return out;
  }

  static Hash id(int n) {
    byte[] d = new byte[32];
    ByteBuffer.wrap(d).putInt(n);
    return Hash.of(io.chasm.api.HashAlgorithm.SHA_256, d);
  }

  @Property(tries = 500)
  void everyChunkInExactlyOneContiguousRequest_withinTheSpan_andNoTwoRequestsCouldHaveJoined(
      @ForAll long seed, @ForAll @LongRange(min = 1, max = 20_000) long maxSpan) {
    List<RangePlan.Part> parts = parts(seed);
    List<RangePlan.Request> plan = RangePlan.plan(parts, maxSpan);
    Set<Hash> seen = new HashSet<>();
    RangePlan.Request prev = null;
    for (RangePlan.Request q : plan) {
      assertThat(q.parts()).isNotEmpty();
      assertThat(q.start()).isEqualTo(q.parts().get(0).offset());
      assertThat(q.end()).isEqualTo(q.parts().get(q.parts().size() - 1).end());
      long at = q.start();
      for (RangePlan.Part p : q.parts()) {
        assertThat(p.path()).isEqualTo(q.path());
        assertThat(p.fileSize()).isEqualTo(q.fileSize());
        assertThat(p.offset()).isEqualTo(at);
        at = p.end();
        assertThat(seen.add(p.id())).isTrue();
      }
      assertThat(q.span() <= maxSpan || q.parts().size() == 1).isTrue();
      if (prev != null) {
        int order = prev.path().compareTo(q.path());
        assertThat(order < 0 || (order == 0 && prev.end() <= q.start())).isTrue();
        if (order == 0 && prev.end() == q.start()) {
          assertThat(q.parts().get(0).end() - prev.start()).as("could have joined").isGreaterThan(maxSpan);
        }
      }
      prev = q;
    }
    assertThat(seen).hasSize(parts.size());
  }

  @Property(tries = 200)
  void withAnUnboundedSpan_oneRequestPerRunOfAdjacentChunks(@ForAll long seed) {
    List<RangePlan.Part> parts = parts(seed);
    Map<String, List<RangePlan.Part>> byFile = new HashMap<>();
    parts.forEach(p -> byFile.computeIfAbsent(p.path(), k -> new ArrayList<>()).add(p));
    int runs = 0;
    for (List<RangePlan.Part> l : byFile.values()) {
      l.sort((a, b) -> Long.compare(a.offset(), b.offset()));
      for (int i = 0; i < l.size(); i++) {
        if (i == 0 || l.get(i - 1).end() != l.get(i).offset()) {
          runs++;
        }
      }
    }
    assertThat(RangePlan.plan(parts, Long.MAX_VALUE)).hasSize(runs);
  }

  enum Server { EXACT_206, WHOLE_200, EARLIER_206, SHORT_BODY, OTHER_SIZE_206, OTHER_SIZE_200, MISSING_404 }

  @Property(tries = 500)
  void everyPartAnsweredOnce_withTheFilesBytesOrNotHeld(@ForAll long seed, @ForAll Server server,
      @ForAll @IntRange(min = 1, max = 50) int cut) throws IOException {
    List<RangePlan.Part> parts = parts(seed);
    RangePlan.Request q = RangePlan.plan(parts, Long.MAX_VALUE).get(0);
    byte[] file = new byte[(int) q.fileSize()];
    new Random(seed ^ 7).nextBytes(file);
    int status = 206;
    String cr = null;
    OptionalLong cl = OptionalLong.empty();
    byte[] body;
    switch (server) {
      case EXACT_206 -> {
        body = Arrays.copyOfRange(file, (int) q.start(), (int) q.end());
        cr = "bytes " + q.start() + "-" + (q.end() - 1) + "/" + file.length;
      }
      case EARLIER_206 -> {
        int from = (int) Math.max(0, q.start() - cut);
        body = Arrays.copyOfRange(file, from, file.length);
        cr = "bytes " + from + "-" + (file.length - 1) + "/" + file.length;
      }
      case WHOLE_200 -> {
        status = 200;
        body = file;
        cl = OptionalLong.of(file.length);
      }
      case SHORT_BODY -> {
        body = Arrays.copyOfRange(file, (int) q.start(), (int) Math.max(q.start(), q.end() - cut));
        cr = "bytes " + q.start() + "-" + (q.end() - 1) + "/" + file.length;
      }
      case OTHER_SIZE_206 -> {
        body = Arrays.copyOfRange(file, (int) q.start(), (int) q.end());
        cr = "bytes " + q.start() + "-" + (q.end() - 1) + "/" + (file.length + cut);
      }
      case OTHER_SIZE_200 -> {
        status = 200;
        body = file;
        cl = OptionalLong.of(file.length - 1L);
      }
      default -> {
        status = 404;
        body = new byte[0];
      }
    }
    Map<Hash, byte[]> got = new HashMap<>();
    Set<Hash> notHeld = new HashSet<>();
    RangeReader.read(q, status, cr, cl, new ByteArrayInputStream(body), new RangeReader.Answers() {
      @Override
      public void chunk(RangePlan.Part p, byte[] data) {
        assertThat(got.put(p.id(), data)).isNull();
      }

      @Override
      public void notHeld(RangePlan.Part p) {
        assertThat(notHeld.add(p.id())).isTrue();
      }
    });
    assertThat(got.size() + notHeld.size()).isEqualTo(q.parts().size());
    for (RangePlan.Part p : q.parts()) {
      if (got.containsKey(p.id())) {
        assertThat(got.get(p.id())).isEqualTo(Arrays.copyOfRange(file, (int) p.offset(), (int) p.end()));
      }
    }
    boolean honest = server == Server.EXACT_206 || server == Server.WHOLE_200 || server == Server.EARLIER_206;
    assertThat(notHeld.isEmpty()).isEqualTo(honest);
  }

  @Test
  void aServerError_failsTheRequest() {
    RangePlan.Request q = RangePlan.plan(parts(1), Long.MAX_VALUE).get(0);
    assertThatThrownBy(() -> RangeReader.read(q, 503, null, OptionalLong.empty(), new ByteArrayInputStream(new byte[0]),
        new RangeReader.Answers() {
          @Override
          public void chunk(RangePlan.Part p, byte[] data) {}

          @Override
          public void notHeld(RangePlan.Part p) {}
        })).isInstanceOf(RangeReader.BadStatusException.class).hasMessageContaining("503");
  }

  @Test
  void contentRange_parsing() {
    assertThat(RangeReader.parseContentRange("bytes 0-9/10")).containsExactly(0, 9, 10);
    assertThat(RangeReader.parseContentRange("bytes 5-9/*")).containsExactly(5, 9, -1);
    assertThat(RangeReader.parseContentRange("bytes 5-4/10")).isNull();
    assertThat(RangeReader.parseContentRange("bytes 5-10/10")).isNull();
    assertThat(RangeReader.parseContentRange("items 0-1/2")).isNull();
    assertThat(RangeReader.parseContentRange("bytes x-1/2")).isNull();
    assertThat(RangeReader.parseContentRange(null)).isNull();
  }
}
