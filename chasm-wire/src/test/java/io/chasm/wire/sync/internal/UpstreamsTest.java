package io.chasm.wire.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.Ticker;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.ChunkSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on simulated time: fake sources answer after a fixed simulated latency, and the
 * scheduler's idle hook moves the fake ticker to the next answer, so every fetch runs on the test
 * thread, in the same order every time, with no sleeps.
 */
class UpstreamsTest {
  private static final long MS = 1_000_000;
  private final Net net = new Net();
  private final Map<Upstream, String> bans = new LinkedHashMap<>();

  /** Simulated time and the answers due in it. */
  private static final class Net implements Ticker {
    private record Event(long at, long seq, Runnable action) {}

    private final PriorityQueue<Event> due = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    @Override
    public long nanos() {
      return now;
    }

    void after(long nanos, Runnable action) {
      due.add(new Event(now + nanos, seq++, action));
    }

    /** Moves to the next answer and gives it. */
    void step() {
      Event e = due.poll();
      if (e != null) {
        now = e.at;
        e.action.run();
      }
    }
  }

  /** Holds some chunks and answers each batch after {@code latency} of simulated time. */
  private final class FakeSource implements ChunkSource {
    final String name;
    final long latency;
    final Map<Hash, byte[]> held = new LinkedHashMap<>();
    final List<List<Hash>> batches = new ArrayList<>();
    boolean corrupt;

    FakeSource(String name, long latency) {
      this.name = name;
      this.latency = latency;
    }

    FakeSource holding(Map<Hash, byte[]> chunks) {
      held.putAll(chunks);
      return this;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver) {
      batches.add(List.copyOf(ids));
      CompletableFuture<Void> f = new CompletableFuture<>();
      net.after(latency, () -> {
        try {
          for (Hash id : ids) {
            byte[] data = held.get(id);
            if (data == null) {
              receiver.notHeld(id);
            } else {
              receiver.chunk(id, corrupt ? Arrays.copyOf(data, data.length + 1) : data);
            }
          }
          f.complete(null);
        } catch (Exception e) {
          f.completeExceptionally(e);
        }
      });
      return f;
    }
  }

  /** Collects what arrives; each id once. */
  private static final class Collected implements Upstreams.Delivery {
    final Map<Hash, byte[]> got = new ConcurrentHashMap<>();
    final Set<Hash> wanted;

    Collected(Set<Hash> wanted) {
      this.wanted = wanted;
    }

    @Override
    public void chunk(Hash id, byte[] data) {
      assertThat(got.put(id, data)).as("delivered twice: %s", id).isNull();
    }

    @Override
    public boolean stillNeeded(Hash id) {
      return wanted.contains(id) && !got.containsKey(id);
    }
  }

  private static Map<Hash, byte[]> chunks(int n) {
    Map<Hash, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byte[] data = ("chunk " + i + " ").repeat(200).substring(0, 1000).getBytes(StandardCharsets.UTF_8);
      m.put(Hash.sha256(data), data);
    }
    return m;
  }

  private Upstreams scheduler(FakeSource... sources) {
    return Upstreams.of(List.of(sources), net, Duration.ofSeconds(30), bans::put).whenIdle(net::step);
  }

  private static Upstream upstream(Upstreams ups, FakeSource s) {
    return ups.all().stream().filter(u -> u.source() == s).findFirst().orElseThrow();
  }

  @Test
  void fetch_spreadsWorkByMeasuredThroughput() throws Exception {
    Map<Hash, byte[]> all = chunks(50);
    FakeSource fast = new FakeSource("fast", MS).holding(all);
    FakeSource slow = new FakeSource("slow", 4 * MS).holding(all);
    Upstreams ups = scheduler(slow, fast);
    Collected into = new Collected(all.keySet());

    ups.fetch(new ArrayList<>(all.keySet()), 1, 2, into);

    assertThat(into.got).containsOnlyKeys(all.keySet());
    assertThat(fast.batches.size() + slow.batches.size()).isEqualTo(50);
    assertThat(fast.batches.size()).isGreaterThan(3 * slow.batches.size());
    // What is measured is bytes delivered over simulated request time: 1,000 bytes per batch.
    assertThat(upstream(ups, fast).throughput()).isEqualTo(1000 * 1e9 / MS);
    assertThat(upstream(ups, slow).throughput()).isEqualTo(1000 * 1e9 / (4 * MS));
    assertThat(bans).isEmpty();
  }

  @Test
  void fetch_badChunk_bansTheSourceAndFetchesElsewhere() throws Exception {
    Map<Hash, byte[]> all = chunks(20);
    FakeSource bad = new FakeSource("bad", MS).holding(all);
    bad.corrupt = true;
    FakeSource good = new FakeSource("good", 2 * MS).holding(all);
    Upstreams ups = scheduler(bad, good);
    Collected into = new Collected(all.keySet());

    ups.fetch(new ArrayList<>(all.keySet()), 4, 2, into);

    assertThat(into.got).containsOnlyKeys(all.keySet());
    for (Map.Entry<Hash, byte[]> e : all.entrySet()) {
      assertThat(into.got.get(e.getKey())).isEqualTo(e.getValue());
    }
    Upstream b = upstream(ups, bad);
    assertThat(bans).containsOnlyKeys(b);
    assertThat(bans.get(b)).startsWith("chunk ").contains(" from bad does not match its bytes: expected hash ")
        .contains(", received hash ");
    assertThat(b.banned()).isTrue();
    assertThat(bad.batches).hasSizeLessThanOrEqualTo(2);
    assertThat(ups.failure()).isInstanceOf(HashMismatchException.class);
    assertThat(ups.usable()).extracting(Upstream::name).containsExactly("good");
  }

  @Test
  void fetch_chunkASourceLacks_comesFromAnotherWithoutABan() throws Exception {
    Map<Hash, byte[]> all = chunks(8);
    Hash lacking = all.keySet().iterator().next();
    Map<Hash, byte[]> most = new LinkedHashMap<>(all);
    most.remove(lacking);
    FakeSource partial = new FakeSource("partial", MS).holding(most);
    FakeSource full = new FakeSource("full", 3 * MS).holding(all);
    Upstreams ups = scheduler(partial, full);
    Collected into = new Collected(all.keySet());

    ups.fetch(new ArrayList<>(all.keySet()), 8, 1, into);

    assertThat(into.got).containsOnlyKeys(all.keySet());
    // Unmeasured sources start with a fair share each; the partial one was asked for the chunk
    // it lacks, and the full one then served it.
    assertThat(partial.batches.get(0)).contains(lacking);
    assertThat(full.batches.stream().flatMap(List::stream)).contains(lacking);
    assertThat(full.batches.get(0)).doesNotContain(lacking);
    assertThat(bans).isEmpty();
    assertThat(ups.usable()).hasSize(2);
  }

  @Test
  void fetch_chunkNoSourceHolds_failsNamingIt() {
    Map<Hash, byte[]> all = chunks(4);
    Hash nowhere = Hash.sha256("held by no one".getBytes(StandardCharsets.UTF_8));
    List<Hash> ids = new ArrayList<>(all.keySet());
    ids.add(2, nowhere);
    FakeSource a = new FakeSource("a", MS).holding(all);
    FakeSource b = new FakeSource("b", 2 * MS).holding(all);
    Upstreams ups = scheduler(a, b);
    Collected into = new Collected(new HashSet<>(ids));

    assertThatThrownBy(() -> ups.fetch(ids, 5, 1, into)).isExactlyInstanceOf(ChasmException.class)
        .hasMessage("no usable source holds 1 item(s) (" + nowhere + "): a: not held; b: not held");
    assertThat(into.got).containsOnlyKeys(all.keySet());
    assertThat(bans).isEmpty();
  }
}
