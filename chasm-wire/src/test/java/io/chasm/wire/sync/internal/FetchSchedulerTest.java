package io.chasm.wire.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chasm.api.ChasmException;
import io.chasm.api.HashMismatchException;
import io.chasm.api.Hash;
import io.chasm.api.VerificationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each rule of {@link FetchScheduler} on simulated time (fake sources, fake ticker, one thread). */
class FetchSchedulerTest {
  private static final long MS = 1_000_000;
  private final SimNet net = new SimNet();
  private final Map<Upstream, String> bans = new LinkedHashMap<>();

  private Upstreams scheduler(SimSource... sources) {
    return Upstreams.of(List.of(sources), net, Duration.ofSeconds(30), bans::put).whenIdle(net::step);
  }

  private static Upstream upstream(Upstreams ups, SimSource s) {
    return ups.all().stream().filter(u -> u.source() == s).findFirst().orElseThrow();
  }

  private static void assertAllExactlyOnce(SimDelivery into, Map<Hash, byte[]> all) {
    assertThat(into.twice).isZero();
    assertThat(into.got).containsOnlyKeys(all.keySet());
    all.forEach((id, data) -> assertThat(into.got.get(id)).isEqualTo(data));
  }

  @Test
  void batchSize_followsEachSourcesRate() throws Exception {
    Map<Hash, byte[]> all = SimDelivery.chunks(6000);
    // 1,000-byte chunks: fast sends 1,000 a second (1 MB/s), slow 20 a second.
    SimSource fast = new SimSource(net, "fast", MS).holding(all);
    fast.perChunk = MS;
    SimSource slow = new SimSource(net, "slow", MS).holding(all);
    slow.perChunk = 50 * MS;
    Upstreams ups = scheduler(fast, slow).requestTimeout(Duration.ofSeconds(60));
    SimDelivery into = new SimDelivery(all.keySet());

    ups.fetch(new ArrayList<>(all.keySet()), 64, 1, into);

    assertAllExactlyOnce(into, all);
    // Unmeasured, each source gets a full batch; measured, about a second's worth at its rate.
    assertThat(slow.batches.get(0)).hasSize(64);
    assertThat(slow.batches.size()).isGreaterThan(1);
    assertThat(slow.batches.subList(1, slow.batches.size())).allSatisfy(b -> assertThat(b.size()).isBetween(10, 30));
    assertThat(fast.batches.subList(0, fast.batches.size() - 2)).allSatisfy(b -> assertThat(b).hasSize(64));
    assertThat(bans).isEmpty();
  }

  @Test
  void requestsInFlight_neverExceedTheDepthPerSource() throws Exception {
    Map<Hash, byte[]> all = SimDelivery.chunks(200);
    SimSource a = new SimSource(net, "a", 3 * MS).holding(all);
    SimSource b = new SimSource(net, "b", 5 * MS).holding(all);
    Upstreams ups = scheduler(a, b);
    SimDelivery into = new SimDelivery(all.keySet());

    ups.fetch(new ArrayList<>(all.keySet()), 4, 3, into);

    assertAllExactlyOnce(into, all);
    assertThat(a.maxInFlight).isEqualTo(3);
    assertThat(b.maxInFlight).isEqualTo(3);
  }

  @Test
  void slowRequest_isAskedElsewhereAfterTheTimeout_withoutABan() throws Exception {
    Map<Hash, byte[]> all = SimDelivery.chunks(400);
    SimSource slow = new SimSource(net, "slow", 500 * MS).holding(all);
    SimSource fast = new SimSource(net, "fast", 2 * MS).holding(all);
    Upstreams ups = scheduler(slow, fast).requestTimeout(Duration.ofMillis(20));
    SimDelivery into = new SimDelivery(all.keySet());
    net.tickEvery(MS);

    ups.fetch(new ArrayList<>(all.keySet()), 10, 1, into);

    assertAllExactlyOnce(into, all);
    List<Hash> first = slow.batches.get(0);
    assertThat(slow.batches).as("its slot stays taken until it answers").hasSize(1);
    // Asked of fast once the timeout passed (20 ms, about its 10th batch), long before the queue ran dry (40 batches).
    int at = 0;
    while (!fast.batches.get(at).contains(first.get(0))) {
      at++;
    }
    assertThat(at).isBetween(8, 13);
    assertThat(fast.asked()).containsAll(first);
    assertThat(net.nanos()).as("the fetch did not wait for the slow answer").isLessThan(500 * MS);
    assertThat(bans).isEmpty();
    assertThat(upstream(ups, slow).banned()).isFalse();
  }

  @Test
  void sourceThatNeverAnswers_isBannedAfterTheStall() throws Exception {
    Map<Hash, byte[]> all = SimDelivery.chunks(300);
    SimSource dead = new SimSource(net, "dead", MS).holding(all);
    dead.silent = true;
    SimSource alive = new SimSource(net, "alive", MS).holding(all);
    Upstreams ups = Upstreams.of(List.of(dead, alive), net, Duration.ofMillis(100), bans::put).whenIdle(net::step)
        .requestTimeout(Duration.ofMillis(10));
    net.tickEvery(MS);
    SimDelivery into = new SimDelivery(all.keySet());

    ups.fetch(new ArrayList<>(all.keySet()), 1, 1, into);

    assertAllExactlyOnce(into, all);
    assertThat(bans).containsOnlyKeys(upstream(ups, dead));
    assertThat(bans.get(upstream(ups, dead))).contains("made no progress");
  }

  @Test
  void endGame_copiesALateBatchToAnIdleSource_firstCopyWins() throws Exception {
    Map<Hash, byte[]> all = SimDelivery.chunks(40);
    SimSource a = new SimSource(net, "a", 2 * MS).holding(all);
    SimSource b = new SimSource(net, "b", 2 * MS).holding(all);
    // b's fifth batch takes 400 ms instead of 2 (a hiccup, below the request timeout).
    b.latencyOfBatch = n -> n == 4 ? 400 * MS : 2 * MS;
    Upstreams ups = scheduler(a, b);
    SimDelivery into = new SimDelivery(all.keySet());
    net.tickEvery(MS);

    ups.fetch(new ArrayList<>(all.keySet()), 2, 1, into);

    assertAllExactlyOnce(into, all);
    List<Hash> late = b.batches.get(4);
    assertThat(a.asked()).containsAll(late);
    assertThat(net.nanos()).as("the fetch did not wait for the late batch").isLessThan(400 * MS);
    assertThat(bans).isEmpty();
  }

  @Test
  void badChunk_bansTheSenderWithTheEvidence_andFetchesItElsewhere() throws Exception {
    Map<Hash, byte[]> all = SimDelivery.chunks(30);
    Hash target = new ArrayList<>(all.keySet()).get(3);
    SimSource flipper = new SimSource(net, "flipper", MS).holding(all);
    flipper.flipped.add(target);
    SimSource good = new SimSource(net, "good", 3 * MS).holding(all);
    Upstreams ups = scheduler(flipper, good);
    SimDelivery into = new SimDelivery(all.keySet());

    ups.fetch(new ArrayList<>(all.keySet()), 5, 1, into);

    assertAllExactlyOnce(into, all);
    byte[] bad = all.get(target).clone();
    bad[0] ^= 1;
    assertThat(bans).containsOnlyKeys(upstream(ups, flipper));
    assertThat(bans.get(upstream(ups, flipper))).isEqualTo("chunk " + target + " from flipper does not match its bytes: expected hash "
        + target + ", received hash " + Hash.sha256(bad));
    assertThat(ups.failure()).isInstanceOfSatisfying(HashMismatchException.class, e -> {
      assertThat(e.expected()).isEqualTo(target);
      assertThat(e.received()).isEqualTo(Hash.sha256(bad));
      assertThat(e.source()).isEqualTo("flipper");
    });
  }

  @Test
  void sourceThatRefusesWhatOthersServe_isBannedAsALiarPastTheThreshold() throws Exception {
    Map<Hash, byte[]> all = SimDelivery.chunks(40);
    SimSource liar = new SimSource(net, "liar", MS).holding(all);
    liar.refuses.addAll(all.keySet());
    SimSource honest = new SimSource(net, "honest", 2 * MS).holding(all);
    Upstreams ups = scheduler(liar, honest);
    SimDelivery into = new SimDelivery(all.keySet());

    ups.fetch(new ArrayList<>(all.keySet()), 2, 1, into);

    assertAllExactlyOnce(into, all);
    assertThat(bans).containsOnlyKeys(upstream(ups, liar));
    String why = bans.get(upstream(ups, liar));
    assertThat(why).matches("liar claimed the snapshot but answered not-held for \\d+ chunk\\(s\\) that other sources served \\(first sha256:[0-9a-f]{64}\\)");
    assertThat(Integer.parseInt(why.replaceAll("\\D*(\\d+) chunk.*", "$1"))).isGreaterThan(FetchScheduler.LIAR_REFUSALS);
    assertThat(ups.failure()).isInstanceOf(VerificationException.class);
    // Banned as soon as the threshold was passed, long before the end.
    assertThat(liar.asked().size()).isLessThan(all.size() / 3);
  }

  /** A web mirror half-way through an rsync refuses what it has not received yet: no lie. */
  @Test
  void sourceThatNeverPromisedTheWholeSnapshot_isNotBannedForRefusing() throws Exception {
    Map<Hash, byte[]> all = SimDelivery.chunks(40);
    SimSource lagging = new SimSource(net, "lagging", MS).holding(all);
    lagging.refuses.addAll(all.keySet());
    lagging.promisesAll = false;
    SimSource honest = new SimSource(net, "honest", 2 * MS).holding(all);
    Upstreams ups = scheduler(lagging, honest);
    SimDelivery into = new SimDelivery(all.keySet());

    ups.fetch(new ArrayList<>(all.keySet()), 2, 1, into);

    assertAllExactlyOnce(into, all);
    assertThat(bans).isEmpty();
    assertThat(lagging.asked().size()).isGreaterThan(FetchScheduler.LIAR_REFUSALS);
  }

  @Test
  void sourceThatLacksAFewChunks_isOnlySkippedForThem() throws Exception {
    Map<Hash, byte[]> all = SimDelivery.chunks(40);
    List<Hash> ids = new ArrayList<>(all.keySet());
    SimSource partial = new SimSource(net, "partial", MS).holding(all);
    partial.refuses.addAll(ids.subList(0, FetchScheduler.LIAR_REFUSALS));
    SimSource full = new SimSource(net, "full", 2 * MS).holding(all);
    Upstreams ups = scheduler(partial, full);
    SimDelivery into = new SimDelivery(all.keySet());

    ups.fetch(ids, 2, 1, into);

    assertAllExactlyOnce(into, all);
    assertThat(bans).isEmpty();
    assertThat(full.asked()).containsAll(ids.subList(0, FetchScheduler.LIAR_REFUSALS));
  }

  @Test
  void idsNoSourceCanDeliver_failNamingHowManyWhichAndWhyPerSource() {
    Map<Hash, byte[]> all = SimDelivery.chunks(6);
    List<Hash> ids = new ArrayList<>(all.keySet());
    Map<Hash, byte[]> some = new LinkedHashMap<>(all);
    ids.subList(0, 4).forEach(some::remove);
    SimSource holder = new SimSource(net, "holder", MS).holding(some);
    SimSource broken = new SimSource(net, "broken", MS).holding(all);
    broken.failAfterBatches = 0;
    Upstreams ups = scheduler(holder, broken);
    Set<Hash> wanted = new HashSet<>(ids);
    SimDelivery into = new SimDelivery(wanted);

    Throwable e = catchThrowable(() -> ups.fetch(ids, 6, 1, into));
    assertThat(e).isExactlyInstanceOf(ChasmException.class);
    assertThat(e.getMessage()).matches("no usable source holds 4 item\\(s\\) \\((sha256:[0-9a-f]{64}, ){3}\\.\\.\\.\\): "
        + "holder: not held; broken: banned: broken: connection reset");
    java.util.regex.Matcher named = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}").matcher(e.getMessage());
    while (named.find()) {
      assertThat(ids.subList(0, 4).stream().map(Hash::toString)).as("named as unfetched").contains(named.group());
    }
    assertThat(into.got).containsOnlyKeys(ids.subList(4, 6));
  }
}
