package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The open-range record's names: their writeUTF bytes as {@link DataOutputStream} writes them, and
 * their run-wide ranks ({@link NameOrder}) in {@link String#compareTo} order however the names
 * arrive (w8-A).
 */
class RangeRecordNamesProperties {
  // Names that share prefixes, are prefixes of one another, and hold U+0000, two- and three-byte
  // characters and surrogate pairs.
  private static final char[] ALPHABET = {'/', 'a', 'b', '\0', 'é', '€', '\ud834', '\udd1e', '\uffff'};

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.oneOf(Arbitraries.strings().withChars(ALPHABET).ofMaxLength(12),
        Arbitraries.strings().ofMaxLength(40), Arbitraries.strings().all().ofMaxLength(40));
  }

  @Property(tries = 1000)
  void writeUtf_isDataOutputStreams(@ForAll("names") String name) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    new DataOutputStream(bo).writeUTF(name);
    assertThat(RangeTracker.writeUtf(name)).isEqualTo(bo.toByteArray());
  }

  @Property(tries = 20)
  void writeUtf_refusesWhatWriteUtfRefuses(@ForAll @IntRange(min = 0, max = 3) int extra) {
    String over = "é".repeat(32768 + extra); // two bytes each: over 65,535
    assertThatThrownBy(() -> RangeTracker.writeUtf(over)).isInstanceOf(IllegalArgumentException.class);
    String at = "a".repeat(65535 - extra);
    assertThat(RangeTracker.writeUtf(at)).hasSize(65537 - extra);
  }

  /**
   * Artifacts arrive in batches, again and again; after each batch the ranks of all so far are in
   * name order, equal names (artifacts of two catalogs under different ids) with equal ranks.
   */
  @Property(tries = 300)
  void ranks_areNameOrder(@ForAll @Size(min = 1, max = 60) List<@net.jqwik.api.From("names") String> distinct,
      @ForAll @IntRange(min = 1, max = 8) int batches, @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    Random rnd = new Random(seed);
    List<ArtifactCatalog.Artifact> all = new ArrayList<>();
    for (int id = 0; id < distinct.size() * 2; id++) {
      // Every name twice at most, under ids far apart as a second catalog would give them.
      String name = id < distinct.size() ? distinct.get(id) : distinct.get(rnd.nextInt(distinct.size()));
      all.add(new ArtifactCatalog.Artifact(id, id, "p", name, "t", name));
    }
    NameOrder order = new NameOrder();
    List<ArtifactCatalog.Artifact> ranked = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      int n = rnd.nextInt(all.size() + 1);
      ArtifactCatalog.Artifact[] batch = new ArtifactCatalog.Artifact[n + 2];
      for (int i = 0; i < n; i++) {
        batch[i + 1] = all.get(rnd.nextInt(all.size()));
      }
      order.addAll(batch, 1, n + 1); // the range only
      for (int i = 1; i <= n; i++) {
        if (!ranked.contains(batch[i])) {
          ranked.add(batch[i]);
        }
      }
      for (ArtifactCatalog.Artifact x : ranked) {
        for (ArtifactCatalog.Artifact y : ranked) {
          assertThat(Integer.signum(Integer.compare(order.rank(x.id), order.rank(y.id))))
              .as("%s vs %s", x.name, y.name)
              .isEqualTo(Integer.signum(x.name.compareTo(y.name)));
        }
      }
    }
  }

  @Property(tries = 20)
  void ranks_refuseAnIdWithAnotherName(@ForAll @IntRange(min = 0, max = 50) int id) {
    NameOrder order = new NameOrder();
    ArtifactCatalog.Artifact a = new ArtifactCatalog.Artifact(id, 0, "p", "/a", "t", "/a");
    ArtifactCatalog.Artifact b = new ArtifactCatalog.Artifact(id, 0, "p", "/b", "t", "/b");
    order.addAll(new ArtifactCatalog.Artifact[] {a}, 0, 1);
    assertThatThrownBy(() -> order.addAll(new ArtifactCatalog.Artifact[] {b}, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
