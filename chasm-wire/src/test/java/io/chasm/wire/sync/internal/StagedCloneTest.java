package io.chasm.wire.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.StagedFile;
import io.chasm.hashtree.publish.StagingArea;
import io.chasm.hashtree.tree.TreeEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staged file of a changed big file starts as the kernel's copy of the old one's unchanged
 * runs: only chunks the old file does not hold are left to write, the result is the new file
 * byte for byte (overwrite in place and insertion that shifts every later boundary), and a file
 * the damage scan does not vouch for is never copied unhashed.
 */
class StagedCloneTest {
  @TempDir Path tmp;
  final Chunker chunker = new Chunker();

  @Test
  void overwriteInTheMiddle_copiesEveryUnchangedChunk_andTheResultIsTheNewFile() throws Exception {
    byte[] old = random(1, 3 << 20);
    byte[] neu = old.clone();
    System.arraycopy(random(2, 100_000), 0, neu, 1_500_000, 100_000);
    assertCloneBuilds(old, neu);
  }

  @Test
  void insertionShiftingLaterBoundaries_stillCopiesTheShiftedRuns() throws Exception {
    byte[] old = random(3, 3 << 20);
    byte[] ins = random(4, 12_345);
    byte[] neu = new byte[old.length + ins.length];
    System.arraycopy(old, 0, neu, 0, 1_000_000);
    System.arraycopy(ins, 0, neu, 1_000_000, ins.length);
    System.arraycopy(old, 1_000_000, neu, 1_000_000 + ins.length, old.length - 1_000_000);
    assertCloneBuilds(old, neu);
  }

  @Test
  void truncatedFile_endsAtTheNewSize() throws Exception {
    byte[] old = random(5, 2 << 20);
    byte[] neu = java.util.Arrays.copyOf(old, 1_234_567);
    assertCloneBuilds(old, neu);
  }

  private void assertCloneBuilds(byte[] old, byte[] neu) throws Exception {
    Path live = tmp.resolve("live.bin");
    Files.write(live, old);
    FileManifest om = FileManifest.of(chunker.chunk(old));
    FileManifest nm = FileManifest.of(chunker.chunk(neu));
    StagedFile staged = StagingArea.open(tmp.resolve("staging")).stage(nm);
    VouchedFiles.Stamp stamp = stampedNow(live, om);

    int copied = StagedClone.copyUnchanged(staged, live, om, stamp);

    Set<io.chasm.api.Hash> oldIds = new HashSet<>();
    om.chunks().forEach(c -> oldIds.add(c.id()));
    int expected = (int) nm.chunks().stream().filter(c -> oldIds.contains(c.id())).count();
    assertThat(copied).isEqualTo(expected).isGreaterThan(nm.chunkCount() / 2);
    assertThat(staged.missingCount()).isEqualTo(nm.chunkCount() - copied);
    for (int i = 0; i < nm.chunkCount(); i++) {
      if (!staged.has(i)) {
        Chunk c = nm.chunk(i);
        staged.write(i, java.util.Arrays.copyOfRange(neu, (int) c.offset(), (int) c.end()));
      }
    }
    assertThat(Files.readAllBytes(staged.finish(false))).isEqualTo(neu);
  }

  @Test
  void aFileChangedAfterTheScanStarted_isNotVouched() throws Exception {
    Path live = tmp.resolve("live.bin");
    byte[] old = random(6, 200_000);
    Files.write(live, old);
    TreeEntry before = entry(FileManifest.of(chunker.chunk(old)));
    long scanStart = System.currentTimeMillis() + 10 * VouchedFiles.CLOCK_SLACK_MS;
    assertThat(VouchedFiles.scanned(List.of(), scanStart).stamp("live.bin", live, before)).isNotNull();
    // Written after the scan began (ctime now): the scan's verdict no longer covers it.
    assertThat(VouchedFiles.scanned(List.of(), System.currentTimeMillis() - 60_000).stamp("live.bin", live, before)).isNull();
    // Found damaged, or no scan at all: never vouched.
    assertThat(VouchedFiles.scanned(List.of("live.bin"), scanStart).stamp("live.bin", live, before)).isNull();
    assertThat(VouchedFiles.NONE.stamp("live.bin", live, before)).isNull();
    // Another size than the old version's: not that version.
    Files.write(live, random(7, 100));
    assertThat(VouchedFiles.scanned(List.of(), scanStart).stamp("live.bin", live, before)).isNull();
  }

  @Test
  void aStampNoLongerHolds_onceTheFileIsWritten() throws Exception {
    Path live = tmp.resolve("live.bin");
    Files.write(live, random(8, 1000));
    VouchedFiles.Stamp s = VouchedFiles.Stamp.of(live);
    assertThat(s.holds(live)).isTrue();
    Thread.sleep(20); // ctime has the kernel's tick as its granularity
    Files.setLastModifiedTime(live, FileTime.fromMillis(0)); // moves ctime, keeps size and content
    assertThat(s.holds(live)).isFalse();
  }

  private VouchedFiles.Stamp stampedNow(Path live, FileManifest om) throws Exception {
    VouchedFiles.Stamp s = VouchedFiles.scanned(List.of(), System.currentTimeMillis() + 10 * VouchedFiles.CLOCK_SLACK_MS)
        .stamp("live.bin", live, entry(om));
    assertThat(s).isNotNull();
    return s;
  }

  private static TreeEntry entry(FileManifest m) throws Exception {
    return TreeEntry.file("live.bin", m.size(), false, m.id());
  }

  private static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
