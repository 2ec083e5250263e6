package io.chasm.wire.sync.internal;

import io.chasm.api.Hash;
import io.chasm.api.MissingContentException;
import io.chasm.api.OriginChangedException;
import io.chasm.api.source.OriginChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The failure of a sync whose chunks no upstream holds, in the terms of the tree: the paths that
 * cannot be completed and, when an upstream said so (SPEC §9.18), that its origin changed since the
 * snapshot it serves. A bare chunk id tells an operator nothing; a path and "publish again" does.
 */
final class MissingChunks {
  /** Paths named in a message; the exception carries them all. */
  private static final int NAMED = 5;

  private MissingChunks() {}

  /** @param sources why each source did not deliver them ("" if not known) */
  static MissingContentException failure(ChunkNeeds needs, List<Hash> ids, Map<Hash, Upstreams.Refusal> refusals, String sources) {
    Upstreams.Refusal first = null;
    SortedSet<String> changed = new TreeSet<>();
    for (Hash id : ids) {
      Upstreams.Refusal r = refusals.get(id);
      if (r != null && (first == null || r.upstream().equals(first.upstream()))) {
        first = first == null ? r : first;
        changed.add(r.change().path());
      }
    }
    SortedSet<String> needing = needs.pathsNeeding(ids);
    if (first != null) {
      OriginChange c = first.change();
      return new OriginChangedException(first.upstream(), c.snapshot(), named(changed.isEmpty() ? needing : changed));
    }
    List<String> paths = new ArrayList<>(needing);
    String what = paths.isEmpty() ? ids.size() + " chunk(s), first " + ids.get(0) : String.join(", ", named(needing))
        + (paths.size() > NAMED ? " and " + (paths.size() - NAMED) + " more" : "");
    return new MissingContentException("no usable upstream holds the content of " + what
        + " (if an origin changed since its last snapshot, publish a new snapshot there)"
        + (sources.isEmpty() ? "" : "; " + ids.size() + " chunk(s) from no source (" + Unfetched.named(ids, id -> id)
        + "): " + sources), paths);
  }

  private static List<String> named(SortedSet<String> paths) {
    List<String> out = new ArrayList<>();
    for (String p : paths) {
      if (out.size() == NAMED) {
        break;
      }
      out.add(p);
    }
    return out;
  }
}
