package io.chasm.stats.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The artifacts of a set of records ranked by name ({@link String#compareTo} order, equal names
 * equal ranks) with each name's {@link DataOutputStream#writeUTF} bytes, computed once per
 * distinct artifact: sorting and writing hundreds of thousands of open ranges then compares and
 * copies ints and ready bytes instead of paths with long common prefixes.
 */
final class NameRanks {
  private final int[] rank;
  private final byte[][] utf;

  private NameRanks(int[] rank, byte[][] utf) {
    this.rank = rank;
    this.utf = utf;
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
    distinct.sort((x, y) -> x.name.compareTo(y.name));
    int[] rank = new int[max + 1];
    byte[][] utf = new byte[max + 1][];
    int k = -1;
    String prev = null;
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bo);
    for (ArtifactCatalog.Artifact a : distinct) {
      if (!a.name.equals(prev)) {
        k++;
        prev = a.name;
      }
      rank[a.id] = k;
      bo.reset();
      try {
        out.writeUTF(a.name);
        out.flush();
      } catch (IOException e) {
        throw new IllegalStateException(e); // in memory; names are at most 4 KiB
      }
      utf[a.id] = bo.toByteArray();
    }
    return new NameRanks(rank, utf);
  }

  int rank(ArtifactCatalog.Artifact a) {
    return rank[a.id];
  }

  /** The name as {@link DataOutputStream#writeUTF} writes it (length prefix included). */
  byte[] utf(ArtifactCatalog.Artifact a) {
    return utf[a.id];
  }
}
