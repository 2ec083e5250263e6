package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.stats.ClassificationRules;
import io.chasm.stats.StatsDelta;
import io.chasm.stats.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The state file and the open-range carry in it: what is written is read back, bad bytes are refused. */
class StateFileProperties {
  @Property(tries = 200)
  void stateFile_roundTrips(@ForAll long generation, @ForAll long closedBefore,
      @ForAll @Size(max = 5) List<@IntRange(min = -5, max = 100_000) Integer> windows,
      @ForAll @Size(max = 3) List<Long> offsets, @ForAll byte[] carry) throws IOException {
    Path f = Files.createTempFile("state", ".bin");
    try {
      StateFile s = new StateFile();
      s.generation = generation;
      s.closedBefore = closedBefore;
      for (int i = 0; i < windows.size(); i++) {
        // SipHash keys and the former HMAC keys of windows an earlier release opened, mixed.
        byte[] secret = new byte[i % 2 == 0 ? 16 : 32];
        Arrays.fill(secret, (byte) i);
        s.secrets.put(new PeriodSecrets.Key(Window.values()[i % 3], windows.get(i)), secret);
      }
      for (long o : offsets) {
        StateFile.Checkpoint c = new StateFile.Checkpoint();
        c.identity = new byte[32];
        c.prefixHash = new byte[32];
        c.offset = o;
        c.sessionsSince = o / 2;
        s.checkpoints.add(c);
      }
      s.carry = carry;
      s.save(f);
      StateFile r = StateFile.load(f);
      assertThat(r.generation).isEqualTo(generation);
      assertThat(r.closedBefore).isEqualTo(closedBefore);
      assertThat(r.secrets).containsOnlyKeys(s.secrets.keySet());
      r.secrets.forEach((k, v) -> assertThat(v).isEqualTo(s.secrets.get(k)));
      assertThat(r.checkpoints).extracting(c -> c.offset + ":" + c.sessionsSince)
          .containsExactlyElementsOf(s.checkpoints.stream().map(c -> c.offset + ":" + c.sessionsSince).toList());
      assertThat(r.carry).isEqualTo(carry);
      // A cut anywhere is refused with an IOException, never read as a smaller state.
      byte[] all = Files.readAllBytes(f);
      Files.write(f, Arrays.copyOf(all, all.length - 1));
      assertThatThrownBy(() -> StateFile.load(f)).isInstanceOf(IOException.class);
    } finally {
      Files.deleteIfExists(f);
    }
  }

  // A state file of the release before SipHash (CHSMST02, 256-bit secrets) is read, not refused:
  // its windows keep their HMAC keys until they close; the next save writes the current format.
  @org.junit.jupiter.api.Test
  void version2File_isRead_withItsHmacSecrets() throws IOException {
    Path f = Files.createTempFile("state", ".bin");
    try {
      byte[] m = new byte[32];
      Arrays.fill(m, (byte) 5);
      java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
      try (java.io.DataOutputStream out = new java.io.DataOutputStream(bo)) {
        out.writeLong(0x4348534D53543032L);
        out.writeLong(7); // generation
        out.writeLong(20_000); // closedBefore
        out.writeLong(1_728_000_000L); // maxEpoch
        out.writeInt(0); // checkpoints
        out.writeInt(2);
        out.writeByte(Window.DAY.ordinal());
        out.writeLong(20_001);
        out.write(new byte[32]);
        out.writeByte(Window.MONTH.ordinal());
        out.writeLong(657);
        out.write(m);
        out.writeInt(0); // carry
      }
      Files.write(f, bo.toByteArray());
      StateFile r = StateFile.load(f);
      assertThat(r.version).isEqualTo(2);
      assertThat(r.generation).isEqualTo(7);
      assertThat(r.secrets.get(new PeriodSecrets.Key(Window.DAY, 20_001))).hasSize(32);
      assertThat(r.secrets.get(new PeriodSecrets.Key(Window.MONTH, 657))).hasSize(32).containsOnly(5);
      r.save(f);
      StateFile again = StateFile.load(f);
      assertThat(again.version).isEqualTo(3);
      assertThat(again.secrets.get(new PeriodSecrets.Key(Window.MONTH, 657))).isEqualTo(m);
      // A secret of any other length is damage, refused with a message naming the file.
      byte[] all = Files.readAllBytes(f);
      int at = 8 * 4 + 4 + 4 + 1 + 8; // header, no checkpoints, count, first secret's window and index
      all[at] = 17;
      Files.write(f, all);
      assertThatThrownBy(() -> StateFile.load(f)).isInstanceOf(IOException.class)
          .hasMessageContaining("secret of 17 bytes");
    } finally {
      Files.deleteIfExists(f);
    }
  }

  // A scan streams the open-range record into the state file (StateFile.carryWriter): the file is
  // byte for byte the one written from the record as an array, also when the record is larger
  // than the tracker's 256 KiB write buffer and names of every length fall across its edge.
  @Property(tries = 30)
  void streamedCarry_isTheSameFile_asTheArray(@ForAll @IntRange(min = 0, max = 6_000) int entries,
      @ForAll @IntRange(min = 1, max = 300) int nameLength) throws IOException {
    ArtifactCatalog catalog = new ArtifactCatalog(ClassificationRules.defaults());
    RangeTracker t = new RangeTracker();
    for (int i = 0; i < entries; i++) {
      String name = "/pub/" + "d".repeat((i * 7 + nameLength) % 300) + "/f" + (i % 997) + ".iso";
      ArtifactCatalog.Artifact art = catalog.classify(name);
      t.add(art, i % 2, 20_000 + i % 3, 1 + i, 7 + i, 9 + i, 100 + i, 1_728_000_000L + i);
      t.fullSize(art, i % 2, 20_000 + i % 3, 1000 + i);
    }
    Path streamed = Files.createTempFile("state", ".bin"), array = Files.createTempFile("state", ".bin");
    try {
      StateFile s = new StateFile();
      s.generation = entries;
      s.carryWriter = t;
      s.save(streamed);
      StateFile a = new StateFile();
      a.generation = entries;
      a.carry = t.save();
      a.save(array);
      assertThat(Files.readAllBytes(streamed)).isEqualTo(Files.readAllBytes(array));
      assertThat(StateFile.load(streamed).carry).isEqualTo(a.carry);
      // Both files come through writeTo; read back, the record is the same entries again (an
      // entry lost or doubled at a buffer edge would not parse to the same tracker).
      RangeTracker back = new RangeTracker();
      back.load(a.carry, new ArtifactCatalog(ClassificationRules.defaults()));
      assertThat(back.save()).isEqualTo(a.carry);
      assertThat(a.carry.length).isEqualTo(t.size());
    } finally {
      Files.deleteIfExists(streamed);
      Files.deleteIfExists(array);
    }
  }

  // A record that writes other than it announced is refused, and the state file already there
  // stays as it was (the write goes to a temporary file that is never renamed over it).
  @org.junit.jupiter.api.Test
  void carryWriter_thatLiesAboutItsSize_isRefused_andTheOldStateStays() throws IOException {
    Path f = Files.createTempFile("state", ".bin");
    try {
      StateFile old = new StateFile();
      old.generation = 41;
      old.carry = new byte[] {1, 2, 3};
      old.save(f);
      byte[] before = Files.readAllBytes(f);
      StateFile s = new StateFile();
      s.generation = 42;
      s.carryWriter = new StateFile.Carry() {
        @Override
        public long size() {
          return 5;
        }

        @Override
        public void writeTo(java.nio.channels.WritableByteChannel out) throws IOException {
          out.write(java.nio.ByteBuffer.wrap(new byte[4]));
        }
      };
      assertThatThrownBy(() -> s.save(f)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("wrote 4 bytes, announced 5");
      assertThat(Files.readAllBytes(f)).isEqualTo(before);
    } finally {
      Files.deleteIfExists(f);
      Files.deleteIfExists(f.resolveSibling(f.getFileName() + ".tmp"));
    }
  }

  @Property(tries = 200)
  void openRanges_roundTrip_andDecideTheSame(@ForAll @Size(max = 30) List<@IntRange(min = 0, max = 5) Integer> arts,
      @ForAll @IntRange(min = 1, max = 4) int parts) throws IOException {
    ArtifactCatalog catalog = new ArtifactCatalog(ClassificationRules.defaults());
    RangeTracker a = new RangeTracker();
    for (int i = 0; i < arts.size(); i++) {
      ArtifactCatalog.Artifact art = catalog.classify("/pub/f" + arts.get(i) + ".iso");
      a.add(art, 0, 20_000 + i % 3, 1 + i % 4, 7, 9, 1000L / parts, 1_728_000_000L + i);
      a.fullSize(art, 0, 20_000 + i % 3, 1000);
    }
    byte[] saved = a.save();
    RangeTracker b = new RangeTracker();
    b.load(saved, new ArtifactCatalog(ClassificationRules.defaults()));
    assertThat(b.save()).isEqualTo(saved);
    StatsDelta da = new StatsDelta(), db = new StatsDelta();
    a.finish(da, null, Long.MAX_VALUE);
    b.finish(db, null, Long.MAX_VALUE);
    assertThat(db.rows().stream().map(StateFileProperties::describe).toList())
        .isEqualTo(da.rows().stream().map(StateFileProperties::describe).toList());
    // Only complete ranges count: with fewer parts than the whole, nothing.
    long downloads = da.rows().stream().filter(r -> r.granularity == io.chasm.stats.StatsRow.Granularity.DAY)
        .mapToLong(io.chasm.stats.StatsRow::downloads).sum();
    assertThat(downloads > 0).isEqualTo(!arts.isEmpty() && 1000L / parts * countMax(arts, parts) >= 1000);
    assertThatThrownBy(() -> new RangeTracker().load(Arrays.copyOf(saved, 3),
        new ArtifactCatalog(ClassificationRules.defaults()))).isInstanceOf(IOException.class);
  }

  private static String describe(io.chasm.stats.StatsRow r) {
    return r.periodStart + " " + r.granularity + " " + r.artifact + " " + r.downloads() + " " + r.uniqueEstimate();
  }

  // The most ranges one (day, client, artifact) key got.
  private static long countMax(List<Integer> arts, int parts) {
    java.util.Map<String, Long> n = new java.util.HashMap<>();
    for (int i = 0; i < arts.size(); i++) {
      n.merge((i % 3) + " " + (i % 4) + " " + arts.get(i), 1L, Long::sum);
    }
    return n.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
