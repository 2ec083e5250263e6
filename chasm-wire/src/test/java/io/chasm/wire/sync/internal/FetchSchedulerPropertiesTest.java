package io.chasm.wire.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * For any mix of honest, lying, byte-flipping, failing and silent sources in which one honest
 * source holds every chunk, every chunk is delivered exactly once with its own bytes, and no honest
 * source is banned.
 */
class FetchSchedulerPropertiesTest {
  private static final long MS = 1_000_000;

  enum Kind { HONEST, LIAR, FLIPPER, FAILING, SILENT }

  record Spec(Kind kind, int latencyMs, int seed) {}

  @Provide
  Arbitrary<Spec> spec() {
    return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(1, 20), Arbitraries.integers())
        .as(Spec::new);
  }

  @Property(tries = 200)
  void everyChunkArrivesOnceAndVerified(@ForAll @Size(min = 0, max = 5) List<@net.jqwik.api.From("spec") Spec> others,
      @ForAll @IntRange(min = 1, max = 20) int honestLatencyMs, @ForAll @IntRange(min = 1, max = 80) int count,
      @ForAll @IntRange(min = 1, max = 16) int batch, @ForAll @IntRange(min = 1, max = 4) int depth) throws Exception {
    SimNet net = new SimNet();
    Map<Hash, byte[]> all = SimDelivery.chunks(count);
    List<Hash> ids = new ArrayList<>(all.keySet());
    List<SimSource> sources = new ArrayList<>();
    SimSource honest = new SimSource(net, "honest-0", honestLatencyMs * MS).holding(all);
    sources.add(honest);
    for (int i = 0; i < others.size(); i++) {
      Spec s = others.get(i);
      SimSource src = new SimSource(net, s.kind().name().toLowerCase() + "-" + (i + 1), s.latencyMs() * MS).holding(all);
      java.util.Random r = new java.util.Random(s.seed());
      switch (s.kind()) {
        case LIAR -> ids.stream().filter(x -> r.nextInt(3) > 0).forEach(src.refuses::add);
        case FLIPPER -> ids.stream().filter(x -> r.nextInt(10) == 0).forEach(src.flipped::add);
        case FAILING -> src.failAfterBatches = r.nextInt(4);
        case SILENT -> src.silent = true;
        default -> {}
      }
      sources.add(r.nextBoolean() ? sources.size() : 0, src);
    }
    Map<Upstream, String> bans = new LinkedHashMap<>();
    Upstreams ups = Upstreams.of(sources, net, Duration.ofMillis(400), bans::put).whenIdle(net::step)
        .requestTimeout(Duration.ofMillis(100));
    net.tickEvery(MS);
    SimDelivery into = new SimDelivery(all.keySet());

    ups.fetch(ids, batch, depth, into);

    assertThat(into.twice).isZero();
    assertThat(into.got).containsOnlyKeys(all.keySet());
    all.forEach((id, data) -> assertThat(into.got.get(id)).isEqualTo(data));
    assertThat(bans.keySet()).extracting(Upstream::name).allSatisfy(n -> assertThat(n).doesNotStartWith("honest"));
  }
}
