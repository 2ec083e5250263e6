package io.chasm.wire.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hash;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.hashtree.index.ChunkLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalChunkSourceTest {
  @TempDir Path tmp;

  private static final class Answers implements ChunkReceiver {
    final Map<Hash, byte[]> got = new LinkedHashMap<>();
    final List<Hash> notHeld = new ArrayList<>();

    @Override
    public void chunk(Hash id, byte[] data) {
      got.put(id, data);
    }

    @Override
    public void notHeld(Hash id) {
      notHeld.add(id);
    }
  }

  @Test
  void fetch_readsVerifiedBytes_changedOrUnknownIsNotHeld_secondLocatorOpenedOnlyWhenNeeded() throws Exception {
    byte[] a = "first chunk".getBytes(StandardCharsets.UTF_8);
    byte[] b = "second chunk".getBytes(StandardCharsets.UTF_8);
    Path f = tmp.resolve("live");
    Files.write(f, "first chunk|second chunk".getBytes(StandardCharsets.UTF_8));
    Hash idA = Hash.sha256(a);
    Hash idB = Hash.sha256(b);
    Hash changed = Hash.sha256("what the file held once".getBytes(StandardCharsets.UTF_8));
    Hash unknown = Hash.sha256("nowhere".getBytes(StandardCharsets.UTF_8));
    Map<Hash, ChunkLocation> first = Map.of(idA, new ChunkLocation(f, 0, a.length), changed, new ChunkLocation(f, 0, a.length));
    AtomicInteger opened = new AtomicInteger();
    LocalChunkSource source = new LocalChunkSource("local", List.of(() -> id -> Optional.ofNullable(first.get(id)), () -> {
      opened.incrementAndGet();
      return id -> id.equals(idB) ? Optional.of(new ChunkLocation(f, a.length + 1, b.length)) : Optional.empty();
    }));

    Answers onlyFirst = new Answers();
    assertThat(source.fetch(List.of(idA), onlyFirst)).isCompleted();
    assertThat(opened).hasValue(0);

    Answers r = new Answers();
    assertThat(source.fetch(List.of(idA, changed, idB, unknown), r)).isCompletedWithValue(null);
    assertThat(r.got).containsOnlyKeys(idA, idB);
    assertThat(r.got.get(idA)).isEqualTo(a);
    assertThat(r.got.get(idB)).isEqualTo(b);
    assertThat(r.notHeld).containsExactly(changed, unknown);
    assertThat(opened).hasValue(1);
    assertThat(source.verifiesChunks()).isTrue();
  }
}
