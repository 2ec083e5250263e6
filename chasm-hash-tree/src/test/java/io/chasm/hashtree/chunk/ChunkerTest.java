package io.chasm.hashtree.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.Hash;
import io.chasm.hashtree.internal.FastCdcCutter;
import io.chasm.hashtree.internal.Gear;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkerTest {
  private static final ChunkingParams SMALL = new ChunkingParams(64, 256, 1024);

  @Test
  void gear_derivedFromMd5_matchesCrateTable() {
    // First, second and last entries of GEAR in fastcdc-rs src/v2020/mod.rs.
    long[] g = Gear.gearTable();
    assertThat(g[0]).isEqualTo(0x3b5d3c7d207e37dcL);
    assertThat(g[1]).isEqualTo(0x784d68ba91123086L);
    assertThat(g[255]).isEqualTo(0xaabd2b2a451504e1L);
  }

  @Test
  void cut_allZeros_matchesCrateVector() {
    // fastcdc-rs v2020 test_cut_all_zeros: 64/256/1024 over 10240 zero bytes.
    FastCdcCutter c = new FastCdcCutter(64, 256, 1024);
    byte[] zeros = new byte[10240];
    int pos = 0;
    for (int i = 0; i < 10; i++) {
      int n = c.cut(zeros, pos, zeros.length - pos);
      assertThat(c.lastHash()).isEqualTo(Long.parseUnsignedLong("14169102344523991076"));
      assertThat(n).isEqualTo(1024);
      pos += n;
    }
    assertThat(pos).isEqualTo(10240);
  }

  @Test
  void masks_selectedByRoundedLog2OfAverage() {
    // fastcdc-rs test_masks: avg 256 -> MASKS[9]/[7]; 16384 -> [15]/[13]; 4 MiB -> [23]/[21].
    long[] m = Gear.maskTable();
    assertThat(m[9]).isEqualTo(0x0000019000353000L);
    assertThat(m[7]).isEqualTo(0x0000000018035100L);
    assertThat(m[17]).isEqualTo(0x0000d90703537000L);
    assertThat(m[15]).isEqualTo(0x0000d90f03530000L);
  }

  @Test
  void params_outOfRange_rejected() {
    assertThatThrownBy(() -> new ChunkingParams(63, 256, 1024)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChunkingParams(64, 255, 1024)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChunkingParams(64, 256, 1023)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChunkingParams(64, 256, (16 << 20) + 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChunkingParams(4096, 2048, 8192)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void chunk_empty_hasNoChunks() throws IOException {
    assertThat(new Chunker().chunk(new byte[0])).isEmpty();
    assertThat(new Chunker().chunk(new ByteArrayInputStream(new byte[0]))).isEmpty();
  }

  @Test
  void chunk_defaultParams_sizesWithinBounds() {
    byte[] data = random(4 << 20, 7);
    List<Chunk> chunks = new Chunker().chunk(data);
    for (int i = 0; i < chunks.size() - 1; i++) {
      assertThat(chunks.get(i).length()).isBetween(16 * 1024, 256 * 1024);
    }
    assertThat(chunks.size()).isGreaterThan(20); // ~64 KiB average over 4 MiB
    assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(data.length);
  }

  @Property(tries = 50)
  void chunks_reassembleToInput(@ForAll @Size(max = 20_000) byte[] data, @ForAll @IntRange(min = 1, max = 5000) int readSize)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long total = new Chunker(SMALL).chunk(new ShortReads(data, readSize), (c, b, o) -> {
      assertThat(c.offset()).isEqualTo(out.size());
      assertThat(Hash.sha256(Arrays.copyOfRange(b, o, o + c.length()))).isEqualTo(c.id());
      out.write(b, o, c.length());
    });
    assertThat(total).isEqualTo(data.length);
    assertThat(out.toByteArray()).isEqualTo(data);
  }

  @Property(tries = 20)
  void stream_sameCutsAsArray(@ForAll("seeds") long seed, @ForAll @IntRange(min = 1, max = 70_000) int readSize)
      throws IOException {
    byte[] data = random(300_000 + (int) (seed & 0xffff), seed);
    ChunkingParams p = new ChunkingParams(1024, 4096, 16384);
    List<Chunk> fromArray = new Chunker(p).chunk(data);
    List<Chunk> fromStream = new Chunker(p).chunk(new ShortReads(data, readSize));
    assertThat(fromStream).isEqualTo(fromArray);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Long> seeds() {
    return net.jqwik.api.Arbitraries.longs();
  }

  @Test
  void chunk_file_sameAsArray(@TempDir Path dir) throws IOException {
    byte[] data = random(3 << 20, 11);
    Path f = dir.resolve("f");
    Files.write(f, data);
    assertThat(new Chunker().chunk(f)).isEqualTo(new Chunker().chunk(data));
  }

  @Test
  void chunk_fileWithLengthZero_opensNothing(@TempDir Path dir) {
    Chunker c = new Chunker();
    Path missing = dir.resolve("missing");
    assertThatCode(() -> assertThat(c.chunk(missing, 0, (chunk, b, o) -> {
      throw new AssertionError("no chunk expected");
    })).isZero()).doesNotThrowAnyException();
    assertThatThrownBy(() -> c.chunk(missing, 1, (chunk, b, o) -> {}))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }

  @Test
  void chunk_fileWithLength_chunksExactlyThatPrefix(@TempDir Path dir) throws IOException {
    byte[] data = random(3 << 20, 12);
    Path f = dir.resolve("f");
    Files.write(f, data);
    Chunker c = new Chunker();
    for (int length : new int[] {0, 1, 5000, 70_000, 1 << 20, (3 << 20) - 1, 3 << 20}) {
      List<Chunk> got = new java.util.ArrayList<>();
      long n = c.chunk(f, length, (chunk, b, o) -> got.add(chunk));
      assertThat(n).isEqualTo(length);
      assertThat(got).isEqualTo(c.chunk(Arrays.copyOf(data, length)));
    }
    // Shorter than the length asked for: the whole file, and its real size.
    List<Chunk> all = new java.util.ArrayList<>();
    assertThat(c.chunk(f, 4L << 20, (chunk, b, o) -> all.add(chunk))).isEqualTo(3 << 20);
    assertThat(all).isEqualTo(c.chunk(data));
  }

  @Property(tries = 10)
  void insertingBytes_keepsMostChunks(@ForAll("seeds") long seed, @ForAll @IntRange(min = 1, max = 16) int inserted) {
    Random r = new Random(seed);
    byte[] data = new byte[8 << 20];
    r.nextBytes(data);
    int at = r.nextInt(data.length);
    byte[] extra = new byte[inserted];
    r.nextBytes(extra);
    byte[] edited = new byte[data.length + inserted];
    System.arraycopy(data, 0, edited, 0, at);
    System.arraycopy(extra, 0, edited, at, inserted);
    System.arraycopy(data, at, edited, at + inserted, data.length - at);

    Chunker chunker = new Chunker();
    List<Chunk> before = chunker.chunk(data);
    Set<Hash> after = new HashSet<>();
    chunker.chunk(edited).forEach(c -> after.add(c.id()));
    long kept = before.stream().filter(c -> after.contains(c.id())).count();
    assertThat((double) kept / before.size()).isGreaterThanOrEqualTo(0.9);
  }

  @Property(tries = 8)
  void chunkParallel_sameAsSequential(@ForAll("seeds") long seed, @ForAll @IntRange(min = 0, max = 3) int shape)
      throws Exception {
    Random r = new Random(seed);
    // Around block boundaries (2 MiB with both parameter sets) and far from them.
    int[] sizes = {0, 5000, (2 << 20) - 1 - r.nextInt(100), (6 << 20) + 1 + r.nextInt(300_000)};
    byte[] data = random(sizes[shape], seed);
    ChunkingParams p = r.nextBoolean() ? ChunkingParams.DEFAULT : new ChunkingParams(1024, 4096, 16384);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<Chunk> parallel = new Chunker(p).chunkParallel(
          java.nio.channels.Channels.newChannel(new ShortReads(data, 1 + r.nextInt(1 << 20))), pool);
      assertThat(parallel).isEqualTo(new Chunker(p).chunk(data));
    } finally {
      pool.shutdownNow();
    }
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** An input stream that returns at most {@code max} bytes per read, like a socket would. */
  static final class ShortReads extends InputStream {
    private final byte[] data;
    private final int max;
    private int pos;

    ShortReads(byte[] data, int max) {
      this.data = data;
      this.max = max;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, max), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
