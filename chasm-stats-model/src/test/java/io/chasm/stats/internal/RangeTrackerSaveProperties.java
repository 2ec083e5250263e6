package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.ClassificationRules;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
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
 * The open-range record written at every step ({@link RangeTracker#save}) is byte for byte the
 * layout it always had (state files of earlier releases load, and the same state is the same
 * bytes): checked against a plain DataOutputStream encoding with a comparator over the names.
 */
class RangeTrackerSaveProperties {
  record Range(String name, int protocol, long day, long client, long week, long month, long bytes, long ts) {}

  record Full(String name, int protocol, long day, long size) {}

  @Provide
  Arbitrary<String> names() {
    // Shared prefixes, non-ASCII, NUL and the git mark: what the ordering and writeUTF must get right.
    Arbitrary<String> tail = Arbitraries.strings().withChars("ab/é\u0000\u00ff€𝄞").ofMaxLength(6);
    return Combinators.combine(Arbitraries.of("/debian/pool/main/", "\u0001/repo.git", "/z", ""), tail)
        .as((a, b) -> a + b);
  }

  @Provide
  Arbitrary<Range> ranges() {
    return Combinators.combine(names(), Arbitraries.integers().between(0, 3),
        Arbitraries.longs().between(19_000, 19_004), Arbitraries.longs(), Arbitraries.longs(),
        Arbitraries.longs(), Arbitraries.longs().between(1, 1L << 40), Arbitraries.longs().between(0, 1L << 33))
        .as(Range::new);
  }

  @Provide
  Arbitrary<Full> fulls() {
    return Combinators.combine(names(), Arbitraries.integers().between(0, 3),
        Arbitraries.longs().between(19_000, 19_004), Arbitraries.longs().between(1, 1L << 40))
        .as(Full::new);
  }

  @Property(tries = 300)
  void save_isTheDataOutputLayout_inNameOrder(@ForAll @Size(max = 60) List<@From("ranges") Range> ranges,
      @ForAll @Size(max = 20) List<@From("fulls") Full> fulls) throws IOException {
    ArtifactCatalog catalog = new ArtifactCatalog(ClassificationRules.defaults());
    RangeTracker t = new RangeTracker();
    List<Range> kept = new ArrayList<>();
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (Range r : ranges) {
      t.add(catalog.classify(r.name), r.protocol, r.day, r.client, r.week, r.month, r.bytes, r.ts);
      // The tracker adds up ranges of one (day, client, path, protocol); keep the first of each here.
      if (keys.add(r.day + " " + r.client + " " + catalog.classify(r.name).pathId + " " + r.protocol)) {
        kept.add(r);
      } else {
        Range first = kept.stream().filter(k -> k.day == r.day && k.client == r.client
            && catalog.classify(k.name).pathId == catalog.classify(r.name).pathId && k.protocol == r.protocol)
            .findFirst().orElseThrow();
        kept.set(kept.indexOf(first), new Range(first.name, first.protocol, first.day, first.client,
            first.week, first.month, first.bytes + r.bytes, Math.max(first.ts, r.ts)));
      }
    }
    java.util.Map<String, Full> fullByKey = new java.util.LinkedHashMap<>();
    for (Full f : fulls) {
      t.fullSize(catalog.classify(f.name), f.protocol, f.day, f.size);
      String k = f.day + " " + catalog.classify(f.name).pathId + " " + f.protocol;
      Full prev = fullByKey.get(k);
      fullByKey.put(k, prev == null ? f : new Full(prev.name, prev.protocol, prev.day, Math.max(prev.size, f.size)));
    }
    byte[] saved = t.save();
    assertThat(saved).isEqualTo(reference(kept, new ArrayList<>(fullByKey.values())));
    RangeTracker back = new RangeTracker();
    back.load(saved, new ArtifactCatalog(ClassificationRules.defaults()));
    assertThat(back.save()).isEqualTo(saved);
  }

  private static byte[] reference(List<Range> rs, List<Full> fs) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bo);
    out.writeInt(1);
    rs.sort(Comparator.comparingLong(Range::day).thenComparing(Range::name)
        .thenComparingInt(Range::protocol).thenComparingLong(Range::client));
    out.writeInt(rs.size());
    for (Range r : rs) {
      out.writeUTF(r.name);
      out.writeByte(r.protocol);
      out.writeLong(r.day);
      out.writeLong(r.client);
      out.writeLong(r.week);
      out.writeLong(r.month);
      out.writeLong(r.bytes);
      out.writeLong(r.ts);
    }
    fs.sort(Comparator.comparingLong(Full::day).thenComparing(Full::name).thenComparingInt(Full::protocol));
    out.writeInt(fs.size());
    for (Full f : fs) {
      out.writeUTF(f.name);
      out.writeByte(f.protocol);
      out.writeLong(f.day);
      out.writeLong(f.size);
    }
    out.flush();
    return bo.toByteArray();
  }
}
