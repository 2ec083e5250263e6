package io.chasm.examples.doctor;

import io.chasm.examples.config.Settings;
import io.chasm.examples.config.ValueChecks;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.sync.SyncOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Clock skew against the upstream. The handshake carries no time (SPEC §8), so the one time an
 * upstream gives is its head's signed {@code created} and {@code expires} (SPEC §5): a head
 * created in the future of this clock shows this clock behind (by at least that much), a head
 * already expired shows it ahead or the upstream stale. A clock ahead by less than the head's age
 * cannot be seen; doctor says so.
 */
final class ClockCheck {
  /** Signing and clocks a few seconds apart are normal. */
  static final Duration TOLERANCE = Duration.ofSeconds(30);
  private static final int MAX_UPSTREAMS = 3;

  private ClockCheck() {}

  static List<Finding> run(Settings s, Clock clock) {
    List<Finding> out = new ArrayList<>();
    List<URI> ups = ValueChecks.uris("fetcher.upstream", s.get("fetcher.upstream"));
    String repo = s.isSet("repository") ? s.get("repository") : SyncOptions.DEFAULT_REPOSITORY;
    for (URI u : ups.subList(0, Math.min(MAX_UPSTREAMS, ups.size()))) {
      out.add(against(u, repo, clock));
    }
    return out;
  }

  static Finding against(URI upstream, String repository, Clock clock) {
    String check = "clock vs " + upstream;
    Optional<byte[]> head;
    try (PeerClient c = PeerClient.connect(upstream, ClientOptions.defaults().withAgent("chasm-doctor"))) {
      head = c.head(repository).get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      return Finding.warn(check, "cannot read the upstream's head: " + e.getMessage(),
          "check fetcher.upstream and the network (the fetcher cannot sync from it either)");
    }
    if (head.isEmpty()) {
      return Finding.warn(check, "the upstream has no snapshot of '" + repository + "' yet", "check repository and fetcher.upstream");
    }
    Snapshot snap;
    try {
      snap = SignedSnapshot.decode(head.get()).snapshot();
    } catch (Exception e) {
      return Finding.fail(check, "the upstream's head does not decode: " + e.getMessage(), "use another upstream; report it to its operator");
    }
    return judge(snap, clock.instant());
  }

  /** The verdict on one head at local time {@code now}. */
  static Finding judge(Snapshot head, Instant now) {
    String check = "clock skew";
    Duration ahead = Duration.between(now, head.created());
    if (ahead.compareTo(TOLERANCE) > 0) {
      return Finding.fail(check, "head #" + head.sequence() + " was created " + ahead.toSeconds()
          + " s in this clock's future: this clock is behind the origin's by at least that",
          "synchronise the clock: timedatectl set-ntp true (or chrony/ntpd)");
    }
    if (!now.isBefore(head.expires())) {
      return Finding.fail(check, "head #" + head.sequence() + " expired " + Duration.between(head.expires(), now).toSeconds()
          + " s ago by this clock: this clock is ahead, or the upstream is stale (syncs will be refused)",
          "check the clock (timedatectl) and whether the upstream still follows its origin");
    }
    return Finding.ok(check, "head #" + head.sequence() + " created " + Math.max(0, -ahead.toSeconds()) + " s ago, expires in "
        + Duration.between(now, head.expires()).toHours() + " h; no skew visible (a clock ahead by less than the head's age cannot be seen)");
  }
}
