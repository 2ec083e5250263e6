package io.chasm.wire.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.wire.ServerLimits;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Per-address limit, eviction order and bounded memory of Admission, on a clock the test moves. */
class AdmissionTest {
  private final FakeTicker ticker = new FakeTicker();
  private final Map<String, ConnectionActivity> activities = new HashMap<>();

  private Admission<String> admission(int max, int perAddress) {
    return new Admission<>(max, perAddress, activities::get);
  }

  private ConnectionActivity activity(String name) {
    ConnectionActivity a = new ConnectionActivity(ticker, ServerLimits.defaults(), () -> name.startsWith("sub"), now -> 0);
    activities.put(name, a);
    return a;
  }

  private static Optional<InetAddress> addr(int last) throws Exception {
    return Optional.of(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last}));
  }

  private Admission.Verdict<String> admit(Admission<String> adm, String name, Optional<InetAddress> from) {
    activity(name);
    return adm.admit(name, from, ticker.nanos());
  }

  @Test
  void perAddress_refusesTheNinth_othersAddressesUnaffected_slotFreedOnRelease() throws Exception {
    Admission<String> adm = admission(100, 8);
    for (int i = 0; i < 8; i++) {
      assertThat(admit(adm, "a" + i, addr(2)).admitted()).isTrue();
    }
    Admission.Verdict<String> ninth = admit(adm, "a8", addr(2));
    assertThat(ninth.admitted()).isFalse();
    assertThat(ninth.refusal()).isEqualTo("too many connections from 127.0.0.2 (limit 8)");
    assertThat(admit(adm, "b0", addr(3)).admitted()).isTrue();
    adm.release("a0");
    adm.release("a0"); // idempotent
    assertThat(admit(adm, "a9", addr(2)).admitted()).isTrue();
  }

  @Test
  void thisHostsLoopback_isNotLimitedPerAddress_otherLoopbacksAre() throws Exception {
    Admission<String> adm = admission(100, 2);
    for (int i = 0; i < 20; i++) {
      assertThat(admit(adm, "host" + i, addr(1)).admitted()).isTrue();
    }
    Optional<InetAddress> v6 = Optional.of(InetAddress.getByName("::1"));
    for (int i = 0; i < 20; i++) {
      assertThat(admit(adm, "host6-" + i, v6).admitted()).isTrue();
    }
    admit(adm, "other0", addr(3));
    admit(adm, "other1", addr(3));
    assertThat(admit(adm, "other2", addr(3)).admitted()).isFalse();
    assertThat(Admission.isThisHost(InetAddress.getByName("127.0.1.1"))).isFalse();
    assertThat(Admission.isThisHost(InetAddress.getByName("::2"))).isFalse();
  }

  @Test
  void local_connections_areNotLimitedPerAddress_norEvicted() throws Exception {
    Admission<String> adm = admission(3, 1);
    for (int i = 0; i < 3; i++) {
      assertThat(admit(adm, "local" + i, Optional.empty()).admitted()).isTrue();
    }
    Admission.Verdict<String> v = admit(adm, "net", addr(2));
    assertThat(v.admitted()).isFalse();
    assertThat(v.refusal()).isEqualTo("too many connections, retry later");
  }

  @Test
  void full_evictsUnfinishedHandshakeFirst_oldestFirst() throws Exception {
    Admission<String> adm = admission(3, 8);
    admit(adm, "idle", addr(2)).admitted();
    activities.get("idle").ready();
    ticker.advance(Duration.ofSeconds(5));
    admit(adm, "hs-old", addr(3));
    ticker.advance(Duration.ofSeconds(1));
    admit(adm, "hs-new", addr(4));
    Admission.Verdict<String> v = admit(adm, "honest", addr(1));
    assertThat(v.admitted()).isTrue();
    assertThat(v.evict()).isEqualTo("hs-old");
    assertThat(adm.size()).isEqualTo(3);
  }

  @Test
  void full_thenLongestIdle_thenStalledWriter_thenSubscriber_neverBusy() throws Exception {
    Admission<String> adm = admission(4, 8);
    for (String n : new String[] {"busy", "sub", "idle-long", "idle-short"}) {
      admit(adm, n, addr(2));
      activities.get(n).ready();
      ticker.advance(Duration.ofSeconds(2));
    }
    activities.get("busy").serving();
    ticker.advance(Duration.ofSeconds(2));
    assertThat(admit(adm, "n1", addr(3)).evict()).isEqualTo("idle-long");
    activities.get("n1").ready();
    activities.get("n1").serving();
    assertThat(admit(adm, "n2", addr(4)).evict()).isEqualTo("idle-short");
    activities.get("n2").ready();
    activities.get("n2").serving();
    assertThat(admit(adm, "n3", addr(5)).evict()).isEqualTo("sub");
    activities.get("n3").ready();
    activities.get("n3").serving();
    Admission.Verdict<String> v = admit(adm, "n4", addr(6));
    assertThat(v.admitted()).isFalse(); // all four are being served: nothing is cheap to lose
  }

  @Test
  void full_evictsFromTheAddressWithTheMostConnections_beforeALoneHandshake() throws Exception {
    Admission<String> adm = admission(4, 8);
    admit(adm, "lone-handshake", addr(1));
    ticker.advance(Duration.ofSeconds(5));
    for (int i = 0; i < 3; i++) {
      admit(adm, "crowd" + i, addr(9));
      activities.get("crowd" + i).ready();
    }
    ticker.advance(Duration.ofSeconds(2));
    Admission.Verdict<String> v = admit(adm, "newcomer", addr(5));
    assertThat(v.evict()).startsWith("crowd");
  }

  @Test
  void full_silentHandshakeBeforeOneThatSentHello() throws Exception {
    Admission<String> adm = admission(2, 8);
    admit(adm, "hello-sent", addr(2));
    activities.get("hello-sent").welcomed();
    ticker.advance(Duration.ofSeconds(3));
    admit(adm, "silent", addr(3));
    assertThat(admit(adm, "newcomer", addr(4)).evict()).isEqualTo("silent");
  }

  @Test
  void full_newcomerFromAnAddressHoldingAsMany_isRefusedNotChurned() throws Exception {
    Admission<String> adm = admission(4, 8);
    for (int i = 0; i < 4; i++) {
      admit(adm, "s" + i, addr(10 + i % 2)); // two addresses, two silent sockets each
    }
    ticker.advance(Duration.ofSeconds(3));
    admit(adm, "x", addr(12)); // a third address with none: may evict
    Admission.Verdict<String> again = admit(adm, "y", addr(12)); // now holds 1; the others 2 and 1
    assertThat(again.admitted()).isTrue();
    Admission.Verdict<String> third = admit(adm, "z", addr(12)); // holds 2; nobody holds more
    assertThat(third.admitted()).isFalse();
    assertThat(third.refusal()).isEqualTo("too many connections, retry later");
  }

  @Test
  void idleWithinGrace_isNotEvicted() throws Exception {
    Admission<String> adm = admission(1, 8);
    admit(adm, "just-answered", addr(2));
    activities.get("just-answered").ready();
    ticker.advance(Duration.ofMillis(500));
    assertThat(admit(adm, "new", addr(3)).admitted()).isFalse();
  }

  /** Whatever arrives and leaves, the books hold only the admitted: refused sockets cost nothing. */
  @Property(tries = 100)
  void books_holdOnlyTheAdmitted(@ForAll @Size(max = 300) java.util.List<@IntRange(min = 0, max = 40) Integer> ops) throws Exception {
    activities.clear();
    Admission<String> adm = admission(16, 3);
    java.util.Set<String> live = new java.util.HashSet<>();
    int n = 0;
    long refusals = 0;
    long evictions = 0;
    for (int op : ops) {
      if (op < 8 && !live.isEmpty()) {
        String gone = live.iterator().next();
        adm.release(gone);
        live.remove(gone);
      } else {
        String name = "c" + n++;
        Admission.Verdict<String> v = admit(adm, name, addr(2 + op % 10));
        if (v.admitted()) {
          live.add(name);
        } else {
          assertThat(v.nth()).isEqualTo(++refusals);
        }
        if (v.evict() != null) {
          live.remove(v.evict());
          assertThat(v.nth()).isEqualTo(++evictions);
        }
      }
      ticker.advance(Duration.ofMillis(300));
      assertThat(adm.size()).isEqualTo(live.size()).isLessThanOrEqualTo(16);
      assertThat(adm.addresses()).isLessThanOrEqualTo(live.size());
      assertThat(adm.refused()).isEqualTo(refusals);
      assertThat(adm.evicted()).isEqualTo(evictions);
    }
  }
}
