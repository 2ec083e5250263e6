package io.chasm.wire.sync.internal;

import io.chasm.api.Hash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The words of a fetch's failure: the first few ids no source delivered, and why per source. */
final class Unfetched {
  /** Ids named in errors. */
  private static final int NAMED = 3;

  private Unfetched() {}

  /** Why each source did not deliver the ids, one clause per source. */
  static String sources(Upstreams ups, Set<Upstream> timedOut, Duration requestTimeout) {
    List<String> out = new ArrayList<>();
    for (Upstream u : ups.all()) {
      String why;
      if (u.banned()) {
        why = "banned: " + u.banReason();
      } else if (u.behind()) {
        why = "has an older snapshot";
      } else if (timedOut.contains(u)) {
        why = "not held or no answer within " + requestTimeout.toSeconds() + " s";
      } else {
        why = "not held";
      }
      out.add(u.name() + ": " + why);
    }
    return String.join("; ", out);
  }

  /** The first few ids, labelled, and "..." if there are more. */
  static String named(List<Hash> ids, Function<Hash, Object> label) {
    List<String> out = new ArrayList<>();
    for (Hash id : ids.subList(0, Math.min(NAMED, ids.size()))) {
      out.add(String.valueOf(label.apply(id)));
    }
    return String.join(", ", out) + (ids.size() > NAMED ? ", ..." : "");
  }
}
