package io.chasm.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/** The mode-byte shortcut gives the bytes of DataSketches' own conversion to HLL_4, in every mode. */
class SketchBytesPropertiesTest {
  @Property(tries = 1000)
  void hll4BytesAreTheConvertedSketchsBytes(@ForAll long seed, @ForAll @IntRange(min = 0, max = 6000) int n,
      @ForAll @IntRange(min = 0, max = 2) int type) {
    Random rnd = new Random(seed);
    HllSketch s = new HllSketch(12, TgtHllType.values()[type]);
    // Mostly few values (the list and set modes), sometimes enough for the HLL mode.
    int values = rnd.nextInt(4) == 0 ? n : n % 300;
    for (int i = 0; i < values; i++) {
      s.update(rnd.nextLong());
    }
    byte[] expected = s.copyAs(TgtHllType.HLL_4).toCompactByteArray();
    assertThat(UniqueSketches.hll4Bytes(s)).isEqualTo(expected);
    assertThat(HllSketch.heapify(UniqueSketches.hll4Bytes(s)).getTgtHllType()).isEqualTo(TgtHllType.HLL_4);
  }
}
