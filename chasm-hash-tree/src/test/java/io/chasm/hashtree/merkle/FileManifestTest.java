package io.chasm.hashtree.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.chunk.Chunker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FileManifestTest {
  static FileManifest manifest(int chunks, long seed) {
    Random r = new Random(seed);
    List<Chunk> list = new ArrayList<>();
    long off = 0;
    for (int i = 0; i < chunks; i++) {
      byte[] d = new byte[32];
      r.nextBytes(d);
      int len = 1 + r.nextInt(100_000);
      list.add(new Chunk(off, len, Hash.sha256(d)));
      off += len;
    }
    return FileManifest.of(list);
  }

  @Test
  void empty_hasDefinedRoot() throws Exception {
    FileManifest e = FileManifest.empty();
    assertThat(e.size()).isZero();
    assertThat(e.chunkCount()).isZero();
    assertThat(FileManifest.decode(e.encode())).isEqualTo(e);
    assertThat(new Chunker().chunk(new byte[0])).isEmpty();
    assertThat(FileManifest.of(List.of()).id()).isEqualTo(e.id());
  }

  @Property(tries = 50)
  void encode_decode_roundTrips(@ForAll @IntRange(max = 40) int n, @ForAll long seed) throws Exception {
    FileManifest m = manifest(n, seed);
    FileManifest back = FileManifest.decode(m.encode(), m.id());
    assertThat(back.id()).isEqualTo(m.id());
    assertThat(back.chunks()).isEqualTo(m.chunks());
    assertThat(back.encode()).isEqualTo(m.encode());
    assertThat(back.size()).isEqualTo(m.chunks().stream().mapToLong(Chunk::length).sum());
  }

  @Test
  void id_commitsToLengths() {
    FileManifest m = manifest(3, 1);
    List<Chunk> c = new ArrayList<>(m.chunks());
    c.set(2, new Chunk(c.get(2).offset(), c.get(2).length() + 1, c.get(2).id()));
    assertThat(FileManifest.of(c).id()).isNotEqualTo(m.id());
  }

  @Test
  void of_gapOrOverlap_rejected() {
    Hash h = Hash.sha256(new byte[] {1});
    assertThatThrownBy(() -> FileManifest.of(List.of(new Chunk(1, 5, h)))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FileManifest.of(List.of(new Chunk(0, 5, h), new Chunk(4, 5, h))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 30)
  void everyProof_verifies_andFailsAfterAnyBitFlip(@ForAll @IntRange(min = 1, max = 13) int n, @ForAll long seed)
      throws Exception {
    FileManifest m = manifest(n, seed);
    for (int i = 0; i < n; i++) {
      InclusionProof p = m.proveChunk(i);
      Chunk c = m.chunk(i);
      p.verify(m.id(), c.id());
      byte[] enc = p.encode();
      assertThat(InclusionProof.decode(enc)).isEqualTo(p);
      for (int bit = 0; bit < enc.length * 8; bit++) {
        byte[] t = enc.clone();
        t[bit / 8] ^= (byte) (1 << (bit % 8));
        Throwable thrown = catchThrowable(() -> InclusionProof.decode(t).verify(m.id(), c.id()));
        assertThat(thrown).as("bit %d of proof %d/%d", bit, i, n).isInstanceOf(VerificationException.class);
      }
      byte[] id = c.id().bytes();
      id[seed == 0 ? 0 : (int) Math.floorMod(seed, 32)] ^= 1;
      assertThatThrownBy(() -> p.verify(m.id(), Hash.of(c.id().algorithm(), id)))
          .isInstanceOf(HashMismatchException.class);
    }
  }

  @Test
  void proof_wrongFile_rejected() {
    FileManifest a = manifest(5, 1);
    FileManifest b = manifest(5, 2);
    assertThatThrownBy(() -> a.proveChunk(2).verify(b.id(), a.chunk(2).id())).isInstanceOf(HashMismatchException.class);
  }

  @Test
  void proof_identicalChunks_bindOffset() throws Exception {
    // A file of identical chunks: the proof for chunk 0 must not pass as chunk 1.
    Hash h = Hash.sha256(new byte[1024]);
    FileManifest m = FileManifest.of(List.of(new Chunk(0, 1024, h), new Chunk(1024, 1024, h)));
    InclusionProof p = m.proveChunk(0);
    InclusionProof moved = new InclusionProof(p.fileSize(), p.chunkCount(), 1, 1024, 1024, p.path());
    assertThatThrownBy(() -> moved.verify(m.id(), h)).isInstanceOf(HashMismatchException.class);
    m.proveChunk(1).verify(m.id(), h);
  }

  @Test
  void verifyData_checksBytes() throws Exception {
    byte[] data = new byte[200_000];
    new Random(3).nextBytes(data);
    FileManifest m = FileManifest.of(new Chunker(new ChunkingParams(1024, 4096, 16384)).chunk(data));
    Chunk c = m.chunk(3);
    m.proveChunk(3).verifyData(m.id(), data, (int) c.offset(), c.length());
    data[(int) c.offset()] ^= 1;
    assertThatThrownBy(() -> m.proveChunk(3).verifyData(m.id(), data, (int) c.offset(), c.length()))
        .isInstanceOf(HashMismatchException.class);
  }

  @Test
  void encoded_everyBitFlip_failsTyped() throws Exception {
    FileManifest m = manifest(3, 9);
    byte[] enc = m.encode();
    for (int bit = 0; bit < enc.length * 8; bit++) {
      byte[] t = enc.clone();
      t[bit / 8] ^= (byte) (1 << (bit % 8));
      Throwable thrown = catchThrowable(() -> FileManifest.decode(t, m.id()));
      assertThat(thrown).as("bit %d", bit).isInstanceOfAny(VerificationException.class, LimitExceededException.class);
      // Without an expected id, decoding either fails typed or yields another file.
      try {
        assertThat(FileManifest.decode(t).id()).isNotEqualTo(m.id());
      } catch (CorruptObjectException | LimitExceededException expected) {
        // typed failure is fine
      }
    }
  }

  @Test
  void encoded_everyTruncation_failsTyped() {
    byte[] enc = manifest(3, 10).encode();
    for (int len = 0; len < enc.length; len++) {
      byte[] t = Arrays.copyOf(enc, len);
      assertThatThrownBy(() -> FileManifest.decode(t)).as("length %d", len).isInstanceOf(CorruptObjectException.class);
    }
    byte[] longer = Arrays.copyOf(enc, enc.length + 1);
    assertThatThrownBy(() -> FileManifest.decode(longer)).isInstanceOf(CorruptObjectException.class);
  }

  @Test
  void decode_hugeCount_limitExceededWithoutAllocating() {
    byte[] enc = {2, 1, 1, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThatThrownBy(() -> FileManifest.decode(enc)).isInstanceOf(LimitExceededException.class);
  }

  @Test
  void decode_wrongKind_rejected() {
    assertThatThrownBy(() -> FileManifest.decode(new byte[] {3, 1, 1, 0, 0, 0, 0}, ObjectId.file(Hash.sha256(new byte[0]))))
        .isInstanceOf(CorruptObjectException.class);
  }
}
