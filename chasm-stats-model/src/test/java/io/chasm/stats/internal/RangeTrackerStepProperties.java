package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.ClassificationRules;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.StatsRow;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The columnar tracker keeps its open ranges in order across steps (sorting only what a step
 * added and merging it in) instead of sorting all of them at every save. Whatever the
 * interleaving of ranges, full sizes, saves, reloads and day closes, it must write the same
 * open-range record and decide the same rows, in the same order, as the tracker before it
 * ({@link LegacyRangeTracker}).
 */
class RangeTrackerStepProperties {
  /** kind 0: a range, 1: a full size, 2: save (and reload), 3: close days before {@code day}. */
  record Op(int kind, int name, int protocol, long day, long client, long bytes, long ts) {}

  private static final String[] NAMES = {"/debian/pool/main/a.deb", "/debian/pool/main/ab.deb",
      "/debian/pool/main/b.deb", "\u0001/repo.git", "/repo.git", "/z/é.iso", "/z/€.iso", "/z/𝄞",
      "/debian/dists/x/Packages.xz", "/a"};

  @Provide
  Arbitrary<Op> ops() {
    return ops(Arbitraries.longs().between(19_000, 19_004));
  }

  // Days far apart (a damaged log): too far for the packed sort key, so the comparator sorts.
  @Provide
  Arbitrary<Op> farDays() {
    return ops(Arbitraries.oneOf(Arbitraries.longs().between(19_000, 19_002),
        Arbitraries.longs().between(0, 1L << 27)));
  }

  private static Arbitrary<Op> ops(Arbitrary<Long> days) {
    return Combinators.combine(Arbitraries.integers().between(0, 3).withDistribution(
            net.jqwik.api.RandomDistribution.uniform()),
        Arbitraries.integers().between(0, NAMES.length - 1), Arbitraries.integers().between(0, 3),
        days,
        Arbitraries.oneOf(Arbitraries.longs().between(-3, 3), Arbitraries.longs()),
        Arbitraries.longs().between(1, 3000), Arbitraries.longs().between(0, 1L << 33))
        .as(Op::new);
  }

  @Property(tries = 400)
  void steps_writeAndDecideAsBefore(@ForAll @Size(max = 120) List<@From("ops") Op> ops)
      throws IOException {
    check(ops);
  }

  @Property(tries = 100)
  void farApartDays_writeAndDecideAsBefore(@ForAll @Size(max = 120) List<@From("farDays") Op> ops)
      throws IOException {
    check(ops);
  }

  private static void check(List<Op> ops) throws IOException {
    ArtifactCatalog catalog = new ArtifactCatalog(ClassificationRules.defaults());
    RangeTracker now = new RangeTracker();
    LegacyRangeTracker before = new LegacyRangeTracker();
    for (Op op : ops) {
      ArtifactCatalog.Artifact a = catalog.classify(NAMES[op.name]);
      switch (op.kind) {
        case 0 -> {
          now.add(a, op.protocol, op.day, op.client, op.client ^ 5, op.client ^ 9, op.bytes, op.ts);
          before.add(a, op.protocol, op.day, op.client, op.client ^ 5, op.client ^ 9, op.bytes, op.ts);
        }
        case 1 -> {
          now.fullSize(a, op.protocol, op.day, op.bytes * 2);
          before.fullSize(a, op.protocol, op.day, op.bytes * 2);
        }
        case 2 -> {
          byte[] saved = now.save();
          assertThat(saved).isEqualTo(before.save());
          assertThat(now.size()).isEqualTo(saved.length); // kept as ranges come and go (w8-A)
          if (op.client % 2 == 0) { // a new run resumes from the record, with a new catalog
            catalog = new ArtifactCatalog(ClassificationRules.defaults());
            now = new RangeTracker();
            now.load(saved, catalog);
            before = new LegacyRangeTracker();
            before.load(saved, catalog);
          }
        }
        default -> {
          StatsDelta dn = new StatsDelta(), db = new StatsDelta();
          now.finish(dn, null, op.day);
          before.finish(db, null, op.day);
          assertThat(describe(dn)).isEqualTo(describe(db));
        }
      }
    }
    assertThat(now.save()).isEqualTo(before.save());
    assertThat(now.size()).isEqualTo(now.save().length);
    StatsDelta dn = new StatsDelta(), db = new StatsDelta();
    now.finish(dn, null, Long.MAX_VALUE);
    before.finish(db, null, Long.MAX_VALUE);
    assertThat(describe(dn)).isEqualTo(describe(db));
    assertThat(now.save()).isEqualTo(before.save());
  }

  private static List<String> describe(StatsDelta d) {
    return d.rows().stream().map(r -> r.periodStart + " " + r.granularity + " " + r.artifact + " "
        + r.protocol + " " + r.downloads() + " " + r.uniqueEstimate() + " " + sketch(r)).toList();
  }

  // The sketch's bytes: the same decided ranges in the same order make the same sketch.
  private static String sketch(StatsRow r) {
    return r.uniques() == null ? "-" : java.util.Arrays.toString(r.uniques().toUpdatableByteArray());
  }
}
