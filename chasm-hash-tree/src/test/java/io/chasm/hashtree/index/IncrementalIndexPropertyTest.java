package io.chasm.hashtree.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.hashtree.chunk.ChunkingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** A warm re-index after random edits must give exactly the root a cold index gives. */
class IncrementalIndexPropertyTest {
  private static final String[] NAMES = {"a", "b", "a-b", "a.b", "z", "dir"};

  @Property(tries = 25)
  void warmReindex_equalsColdIndex(@ForAll long seed) throws Exception {
    Path base = Files.createTempDirectory("chasm-prop");
    try {
      Random rnd = new Random(seed);
      Path t = base.resolve("t");
      Files.createDirectories(t);
      grow(t, rnd, 0);
      age(t, 3600);
      try (TreeIndex warm = TreeIndex.open(t, base.resolve("warm"), ChunkingParams.DEFAULT)) {
        warm.update();
        for (int round = 0; round < 3; round++) {
          mutate(t, rnd);
          age(t, 1800 - round * 100 - rnd.nextInt(50));
          IndexResult w = warm.update();
          long rehashed = w.rehashedFiles();
          assertThat(rehashed).isLessThan(Math.max(1, w.files()) + 1);
          Path coldState = base.resolve("cold" + round);
          try (TreeIndex cold = TreeIndex.open(t, coldState, ChunkingParams.DEFAULT)) {
            IndexResult c = cold.update();
            assertThat(warm.rootTree()).contains(c.rootTree());
            assertThat(rehashed).isLessThanOrEqualTo(c.rehashedFiles());
          }
        }
      }
    } finally {
      try (Stream<Path> s = Files.walk(base)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void grow(Path dir, Random rnd, int depth) throws Exception {
    for (String n : NAMES) {
      int roll = rnd.nextInt(10);
      Path p = dir.resolve(n);
      if (roll < 4) {
        write(p, rnd);
      } else if (roll < 6 && depth < 3) {
        Files.createDirectories(p);
        grow(p, rnd, depth + 1);
      } else if (roll < 7) {
        Files.createSymbolicLink(p, Path.of("target-" + rnd.nextInt(3)));
      }
    }
  }

  private static void write(Path p, Random rnd) throws Exception {
    byte[] b = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(300_000) : rnd.nextInt(200)];
    rnd.nextBytes(b);
    Files.write(p, b);
  }

  private static void mutate(Path t, Random rnd) throws Exception {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(t)) {
      s.filter(p -> !p.equals(t)).forEach(all::add);
    }
    int edits = 1 + rnd.nextInt(3);
    for (int e = 0; e < edits && !all.isEmpty(); e++) {
      Path p = all.get(rnd.nextInt(all.size()));
      if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      switch (rnd.nextInt(4)) {
        case 0 -> {
          if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            write(p, rnd);
          }
        }
        case 1 -> {
          if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(p);
          }
        }
        case 2 -> {
          Path d = Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? p : p.getParent();
          write(d.resolve(NAMES[rnd.nextInt(NAMES.length)] + "n"), rnd);
        }
        default -> {
          if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(p.resolve("new" + rnd.nextInt(3)));
          }
        }
      }
    }
  }

  private static void age(Path t, long secondsAgo) throws Exception {
    FileTime old = FileTime.from(Instant.now().minusSeconds(secondsAgo));
    try (Stream<Path> s = Files.walk(t)) {
      for (Path p : s.toList()) {
        // Only what was just written: unchanged entries keep their stat, as in real life.
        if (!Files.isSymbolicLink(p)
            && Files.getLastModifiedTime(p).toInstant().isAfter(Instant.now().minusSeconds(600))) {
          Files.setLastModifiedTime(p, old);
        }
      }
    }
  }
}
