package io.chasm.hashtree.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.LimitExceededException;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.internal.Encoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** apply(diff(base, target), base) is target's canonical encoding for any edit; bad deltas are refused, typed. */
class ManifestDeltaTest {

  @Property(tries = 300)
  void applyOfDiff_rebuildsTheTarget(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int baseCount,
      @ForAll @IntRange(min = 0, max = 12) int edits) throws Exception {
    Random r = new Random(seed);
    List<int[]> base = entries(r, baseCount);
    List<int[]> target = new ArrayList<>(base);
    for (int e = 0; e < edits; e++) {
      int at = target.isEmpty() ? 0 : r.nextInt(target.size() + 1);
      switch (r.nextInt(4)) {
        case 0 -> target.addAll(at, entries(r, 1 + r.nextInt(5))); // insertion
        case 1 -> { // deletion of a run
          int n = Math.min(target.size() - at, 1 + r.nextInt(5));
          target.subList(at, at + n).clear();
        }
        case 2 -> { // overwrite in place
          if (at < target.size()) {
            target.set(at, entries(r, 1).get(0));
          }
        }
        default -> { // a run of the base copied again elsewhere (duplicated content)
          if (!base.isEmpty()) {
            int from = r.nextInt(base.size());
            target.addAll(at, base.subList(from, Math.min(base.size(), from + 1 + r.nextInt(8))));
          }
        }
      }
    }
    FileManifest b = manifest(base);
    FileManifest t = manifest(target);
    byte[] rebuilt = ManifestDelta.apply(b, ManifestDelta.diff(b, t));
    assertThat(rebuilt).isEqualTo(t.encode());
    assertThat(FileManifest.decode(rebuilt, t.id())).isEqualTo(t);
  }

  @Test
  void oneChangedChunkOfMany_costsAFewDozenBytes() throws Exception {
    Random r = new Random(1);
    List<int[]> base = entries(r, 60_000);
    List<int[]> target = new ArrayList<>(base);
    target.set(30_000, entries(r, 1).get(0));
    byte[] delta = ManifestDelta.diff(manifest(base), manifest(target));
    assertThat(delta.length).isLessThan(100);
    assertThat(manifest(target).encode().length).isGreaterThan(2_000_000);
  }

  @Test
  void aDeltaOverAnotherBase_rebuildsAManifestThatFailsItsId() throws Exception {
    Random r = new Random(2);
    List<int[]> b = entries(r, 50);
    List<int[]> t = new ArrayList<>(b);
    t.set(25, entries(r, 1).get(0));
    FileManifest base = manifest(b);
    FileManifest other = manifest(entries(r, 50));
    FileManifest target = manifest(t);
    byte[] wrong = ManifestDelta.apply(other, ManifestDelta.diff(base, target));
    assertThatThrownBy(() -> FileManifest.decode(wrong, target.id())).isInstanceOf(HashMismatchException.class);
  }

  @Test
  void malformedDeltas_areCorruptOrLimit() {
    FileManifest base = manifest(entries(new Random(3), 10));
    assertCorrupt(base, new Encoder(8).u8(2).u32(0).toByteArray()); // version
    assertCorrupt(base, new Encoder(8).u8(1).u32(1).u8(3).toByteArray()); // unknown op
    assertCorrupt(base, new Encoder(16).u8(1).u32(0).u8(1).u32(0).u32(0).toByteArray()); // empty copy
    assertCorrupt(base, new Encoder(16).u8(1).u32(2).u8(1).u32(9).u32(2).toByteArray()); // beyond the base
    assertCorrupt(base, new Encoder(16).u8(1).u32(3).u8(1).u32(0).u32(2).toByteArray()); // fewer than count
    assertCorrupt(base, new Encoder(16).u8(1).u32(1).u8(1).u32(0).u32(2).toByteArray()); // more than count
    assertCorrupt(base, new Encoder(16).u8(1).u32(1).u8(2).u32(0).toByteArray()); // empty insert
    assertCorrupt(base, new Encoder(16).u8(1).u32(1).u8(2).u32(1).u32(5).toByteArray()); // truncated
    assertCorrupt(base, new Encoder(8).u8(1).u32(0x80000000).toByteArray()); // count of 2^31
    assertThatThrownBy(() -> ManifestDelta.apply(base, new Encoder(8).u8(1).u32(FileManifest.MAX_CHUNKS + 1).toByteArray()))
        .isInstanceOf(LimitExceededException.class);
  }

  private static void assertCorrupt(FileManifest base, byte[] delta) {
    assertThatThrownBy(() -> ManifestDelta.apply(base, delta)).isInstanceOf(CorruptObjectException.class);
  }

  /** Entries {length, id seed}; ids from a small pool so equal entries recur, as duplicated content does. */
  static List<int[]> entries(Random r, int n) {
    List<int[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new int[] {1 + r.nextInt(70_000), r.nextInt(1 << 20)});
    }
    return out;
  }

  static FileManifest manifest(List<int[]> entries) {
    List<Chunk> chunks = new ArrayList<>(entries.size());
    long offset = 0;
    for (int[] e : entries) {
      chunks.add(new Chunk(offset, e[0], Hash.sha256(Integer.toString(e[1]).getBytes())));
      offset += e[0];
    }
    return FileManifest.of(chunks);
  }
}
