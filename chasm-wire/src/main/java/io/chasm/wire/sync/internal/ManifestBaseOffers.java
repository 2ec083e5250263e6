package io.chasm.wire.sync.internal;

import io.chasm.api.ObjectId;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * For each new file manifest a run fetches, the manifest of the same path's previous version when
 * the mirror holds it: offered as the base of a delta (SPEC §9.21). A big file with a few changed
 * chunks then costs a few dozen bytes of manifest instead of 36 per chunk. Looked up lazily and
 * only for files that changed content: loading a base costs its decode.
 */
final class ManifestBaseOffers {
  /**
   * An offer costs about 40 bytes of request: below this many chunks the whole manifest (36 bytes
   * a chunk) is about as cheap as offer plus delta, and small changed files are the common case.
   */
  static final int MIN_BASE_CHUNKS = 4;

  private ManifestBaseOffers() {}

  static Function<ObjectId, FileManifest> of(List<FileJob> jobs, ObjectStore store) {
    Map<ObjectId, ObjectId> baseOf = new HashMap<>();
    for (FileJob j : jobs) {
      if (j.before != null && j.before.kind() == EntryKind.FILE && !j.before.id().equals(j.entry.id())) {
        baseOf.putIfAbsent(j.entry.id(), j.before.id());
      }
    }
    return id -> {
      ObjectId base = baseOf.get(id);
      try {
        FileManifest m = base != null && store.contains(base) ? store.manifest(base) : null;
        return m != null && m.chunkCount() >= MIN_BASE_CHUNKS ? m : null;
      } catch (Exception e) {
        return null; // unreadable here: the whole manifest is fetched
      }
    };
  }
}
