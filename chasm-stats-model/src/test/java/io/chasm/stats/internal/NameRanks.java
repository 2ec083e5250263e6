package io.chasm.stats.internal;

import io.chasm.stats.internal.collect.StringSort;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The artifacts of a set of records ranked by name ({@link String#compareTo} order, equal names
 * equal ranks), computed once per distinct artifact: sorting hundreds of thousands of open ranges
 * then compares ints instead of paths with long common prefixes. The names themselves are sorted
 * by {@link StringSort}, which reads a shared prefix once per name. What RangeColumns ranked a
 * step's new ranges with until w8-A (now the run-wide {@code NameOrder}); kept for the
 * {@link LegacyRangeTracker} that the tracker's properties compare with.
 */
final class NameRanks {
  private final int[] rank;

  private NameRanks(int[] rank) {
    this.rank = rank;
  }

  static <T> NameRanks of(Collection<T> records, Function<T, ArtifactCatalog.Artifact> art) {
    int max = -1;
    for (T r : records) {
      max = Math.max(max, art.apply(r).id);
    }
    ArtifactCatalog.Artifact[] byId = new ArtifactCatalog.Artifact[max + 1];
    List<ArtifactCatalog.Artifact> distinct = new ArrayList<>();
    for (T r : records) {
      ArtifactCatalog.Artifact a = art.apply(r);
      if (byId[a.id] == null) {
        byId[a.id] = a;
        distinct.add(a);
      } else if (byId[a.id] != a && !byId[a.id].name.equals(a.name)) {
        throw new IllegalArgumentException("artifacts of two catalogs: " + a.name);
      }
    }
    String[] names = new String[distinct.size()];
    int[] order = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      names[i] = distinct.get(i).name;
      order[i] = i;
    }
    StringSort.sort(order, 0, order.length, names);
    int[] rank = new int[max + 1];
    int k = -1;
    String prev = null;
    for (int i : order) {
      ArtifactCatalog.Artifact a = distinct.get(i);
      if (!a.name.equals(prev)) {
        k++;
        prev = a.name;
      }
      rank[a.id] = k;
    }
    return new NameRanks(rank);
  }

  int rank(ArtifactCatalog.Artifact a) {
    return rank[a.id];
  }
}
