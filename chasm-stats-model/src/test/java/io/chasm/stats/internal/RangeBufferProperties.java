package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.ClassificationRules;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * A worker's full sizes (the largest 200 of each day, artifact and protocol): whatever order
 * artifacts, days and protocols come in, with steps drained in between, the tracker ends with the
 * same record as when it is told every size directly.
 */
class RangeBufferProperties {
  @Property(tries = 300)
  void fullSizes_reachTheTrackerAsTheirMaximum(
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 4095) Integer> events,
      @ForAll @IntRange(min = 1, max = 60) int drainEvery) {
    ArtifactCatalog catalog = new ArtifactCatalog(ClassificationRules.defaults());
    int arts = 7;
    ArtifactCatalog.Artifact[] byId = new ArtifactCatalog.Artifact[arts];
    for (int a = 0; a < arts; a++) {
      byId[a] = catalog.classify("/pub/f" + a + ".iso");
    }
    RangeBuffer buffer = new RangeBuffer();
    RangeTracker viaBuffer = new RangeTracker();
    RangeTracker direct = new RangeTracker();
    for (int i = 0; i < events.size(); i++) {
      int e = events.get(i);
      // Days cross back and forth (merged logs), an artifact changes protocol, sizes go up and down.
      long day = 20_000 + (e & 3);
      int art = (e >> 2) % arts;
      int proto = (e >> 5) & 3;
      long size = 1 + ((e * 7919L) % 5000);
      buffer.full(day, art, proto, size);
      direct.fullSize(byId[art], proto, day, size);
      if ((i + 1) % drainEvery == 0) {
        buffer.drainInto(viaBuffer, a -> byId[a]);
        buffer.clear();
      }
    }
    buffer.drainInto(viaBuffer, a -> byId[a]);
    assertThat(viaBuffer.save()).isEqualTo(direct.save());
  }
}
