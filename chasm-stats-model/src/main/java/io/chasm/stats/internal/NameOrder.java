package io.chasm.stats.internal;

import io.chasm.stats.internal.collect.StringSort;
import java.util.Arrays;

/**
 * Ranks of artifact names ({@link String#compareTo} order, equal names equal ranks) for every
 * artifact a {@link RangeTracker}'s columns have held this run, by catalog id, kept up to date as new names
 * arrive. The open ranges are settled at every step: ranking only the step's new ranges (as
 * until w8-A) left the merge with the ones already in order comparing paths with long
 * common prefixes, and ranked the step's names again from scratch (7% of a {@code --state} scan's
 * samples with the record's names, JFR, w7-B). Here a step sorts only the names it is the first to
 * bring, puts each into place by binary search among the ranked ones and renumbers (ints only);
 * every later comparison is of two ints. Ids are one catalog's (as {@link RangeTracker}'s name
 * cache assumes): an id seen again with another name is refused.
 */
final class NameOrder {
  private ArtifactCatalog.Artifact[] byId = new ArtifactCatalog.Artifact[0];
  private int[] rank = new int[0];
  // The ranked artifacts in name order; same[i]: sorted[i]'s name is sorted[i - 1]'s (two
  // catalogs' artifacts), so the renumbering compares no names.
  private ArtifactCatalog.Artifact[] sorted = new ArtifactCatalog.Artifact[0];
  private boolean[] same = new boolean[0];
  private int count;

  /** Ranks the artifacts of {@code art[from, to)} not ranked yet; other ranks may change. */
  void addAll(ArtifactCatalog.Artifact[] art, int from, int to) {
    ArtifactCatalog.Artifact[] fresh = new ArtifactCatalog.Artifact[16];
    int m = 0;
    for (int s = from; s < to; s++) {
      ArtifactCatalog.Artifact a = art[s];
      if (a.id < byId.length && byId[a.id] != null) {
        if (byId[a.id] != a && !byId[a.id].name.equals(a.name)) {
          throw new IllegalArgumentException("artifacts of two catalogs: " + a.name);
        }
        continue;
      }
      if (a.id >= byId.length) {
        byId = Arrays.copyOf(byId, Math.max(a.id + 1, byId.length * 2));
        rank = Arrays.copyOf(rank, byId.length);
      }
      byId[a.id] = a;
      if (m == fresh.length) {
        fresh = Arrays.copyOf(fresh, m * 2);
      }
      fresh[m++] = a;
    }
    if (m > 0) {
      insert(fresh, m);
    }
  }

  private void insert(ArtifactCatalog.Artifact[] fresh, int m) {
    String[] names = new String[m];
    int[] order = new int[m];
    for (int i = 0; i < m; i++) {
      names[i] = fresh[i].name;
      order[i] = i;
    }
    StringSort.sort(order, 0, m, names);
    ArtifactCatalog.Artifact[] merged = new ArtifactCatalog.Artifact[count + m];
    boolean[] mergedSame = new boolean[count + m];
    int k = 0, from = 0;
    for (int i = 0; i < m; i++) {
      ArtifactCatalog.Artifact a = fresh[order[i]];
      int at = upperBound(a.name, from); // after equal names: the merge stays in name order
      System.arraycopy(sorted, from, merged, k, at - from);
      System.arraycopy(same, from, mergedSame, k, at - from);
      k += at - from;
      // The next one's name is greater (upper bound), so only this one's flag can be true.
      mergedSame[k] = k > 0 && merged[k - 1].name.equals(a.name);
      merged[k++] = a;
      from = at;
    }
    System.arraycopy(sorted, from, merged, k, count - from);
    System.arraycopy(same, from, mergedSame, k, count - from);
    sorted = merged;
    same = mergedSame;
    count += m;
    int r = -1;
    for (int i = 0; i < count; i++) {
      if (!same[i]) {
        r++;
      }
      rank[sorted[i].id] = r;
    }
  }

  // The first index in sorted[from, count) whose name is greater than {@code name}.
  private int upperBound(String name, int from) {
    int lo = from, hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid].name.compareTo(name) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The rank of an artifact given to {@link #addAll}. */
  int rank(int id) {
    return rank[id];
  }
}
