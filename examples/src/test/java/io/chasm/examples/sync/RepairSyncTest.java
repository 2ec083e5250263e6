package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.hashtree.index.SnapshotIndexWriter;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synced mirror damaged behind the sync's back heals with the real {@code chasm sync}: a plain
 * sync writes again what the stat index shows changed (deleted, touched, chmodded) and lists it,
 * {@code --verify-all} also what only a rehash shows (bytes changed under an unchanged stat), and
 * {@code chasm verify} and the independent Python verifier ({@code tck/verify_tree.py}) pass afterwards.
 */
class RepairSyncTest {
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void sync_repairsDamage_verifyAllRepairsWhatOnlyARehashShows() throws Exception {
    Origin key = Origin.create(work);
    Path origin = work.resolve("origin");
    Files.createDirectories(origin.resolve("pool/main"));
    Files.write(origin.resolve("pool/main/big.iso"), Trees.random(3, 400_000));
    Trees.write(origin.resolve("pool/main/a.deb"), "package a\n".repeat(2000));
    Trees.write(origin.resolve("pool/main/b.deb"), "package b\n".repeat(2000));
    Trees.write(origin.resolve("pool/main/c.deb"), "package c\n".repeat(2000));
    Trees.write(origin.resolve("dists/stable/Release"), "Release 1\n");
    Files.createSymbolicLink(origin.resolve("latest"), Path.of("pool/main/a.deb"));
    key.publish(origin, "demo");

    Path dest = work.resolve("mirror");
    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      String[] sync = {"sync", server.uris().get(0).toString(), dest.toString(), "--trust", key.publicKeyFile().toString()};
      Cli.Result first = Cli.run(work, LIMIT, sync);
      assertThat(first.exit()).as(first.err()).isZero();
      Path rotten = dest.resolve("pool/main/big.iso");
      Path deleted = dest.resolve("pool/main/a.deb");
      Path chmodded = dest.resolve("pool/main/b.deb");
      Path touched = dest.resolve("dists/stable/Release");
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(chmodded);
      FileTime mtime = Files.getLastModifiedTime(touched);

      // Bit rot: other bytes of the same size, mtime put back, and a stat index that (as after a
      // write to the block device) still vouches for the file's stat.
      FileTime rottenMtime = Files.getLastModifiedTime(rotten);
      byte[] bytes = Files.readAllBytes(rotten);
      bytes[200_000] ^= 1;
      Files.write(rotten, bytes);
      Files.setLastModifiedTime(rotten, rottenMtime);
      recordStatsAsTheyAre(dest);
      Files.delete(deleted);
      Files.setPosixFilePermissions(chmodded, PosixFilePermissions.fromString("rw-------"));
      FileTime dayOld = FileTime.fromMillis(mtime.toMillis() - 86_400_000L);
      Files.setLastModifiedTime(touched, dayOld);
      assertThat(Cli.run(work, LIMIT, "verify", dest.toString(), "--trust", key.publicKeyFile().toString()).exit()).isNotZero();
      // The independent Python verifier (tck/verify_tree.py) rehashes every file: it names all four.
      Cli.Result damaged = PyVerify.run(dest, key.publicKeyFile());
      assertThat(damaged.exit()).as(damaged.out() + damaged.err()).isEqualTo(1);
      assertThat(damaged.out())
          .contains("pool/main/big.iso: content differs")
          .contains("pool/main/a.deb: missing")
          .contains("pool/main/b.deb: mode 0600")
          .contains("dists/stable/Release: mtime")
          .contains("FAILED: ");

      Cli.Result plain = Cli.run(work, LIMIT, sync);
      assertThat(plain.exit()).as(plain.err()).isZero();
      assertThat(repairedLines(plain.out())).containsExactlyInAnyOrder("pool/main/a.deb", "pool/main/b.deb", "dists/stable/Release");
      assertThat(plain.out()).contains("3 repaired").doesNotContain("up to date");
      assertThat(Files.readString(deleted)).isEqualTo("package a\n".repeat(2000));
      assertThat(Files.getPosixFilePermissions(chmodded)).isEqualTo(mode);
      // Written again, so with the mtime a publish gives (not necessarily the first sync's, which was
      // "now" then, where mtimes are not kept from the origin).
      assertThat(Files.getLastModifiedTime(touched)).isNotEqualTo(dayOld);
      assertThat(Trees.sha256(rotten)).isNotEqualTo(Trees.sha256(origin.resolve("pool/main/big.iso")));

      Cli.Result again = Cli.run(work, LIMIT, sync);
      assertThat(again.out()).as(again.err()).contains("up to date at snapshot 1");

      Cli.Result all = Cli.run(work, LIMIT, concat(sync, "--verify-all", "--json"));
      assertThat(all.exit()).as(all.err()).isZero();
      JsonNode report = new ObjectMapper().readTree(all.out());
      assertThat(report.get("repaired").toString()).isEqualTo("[\"pool/main/big.iso\"]");
      assertThat(report.get("sequence").asLong()).isEqualTo(1);
      assertThat(report.get("chunks_fetched").asLong()).as("only the rotten chunk travels").isBetween(1L, 2L);

      Cli.Result verify = Cli.run(work, LIMIT, "verify", dest.toString(), "--trust", key.publicKeyFile().toString());
      assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(origin));
      Cli.Result py = PyVerify.run(dest, key.publicKeyFile());
      assertThat(py.exit()).as(py.out() + py.err()).isZero();
      assertThat(py.out()).contains("OK: ");
      assertThat(Cli.run(work, LIMIT, concat(sync, "--verify-all")).out()).contains("up to date at snapshot 1");
    }
  }

  /** Rewrites the stat index from the disk as it is now, with the snapshot's ids: damage no stat shows. */
  private static void recordStatsAsTheyAre(Path dest) throws Exception {
    try (MirrorState state = MirrorState.open(dest)) {
      Snapshot head = state.head().orElseThrow().snapshot();
      Files.delete(state.stateDirectory().resolve("index"));
      SnapshotIndexWriter.write(dest, state.stateDirectory(), state.objects(), head.rootTree(), head.chunking(), Map.of());
    }
  }

  private static List<String> repairedLines(String out) {
    List<String> paths = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("repaired ")) {
        paths.add(line.substring("repaired ".length()));
      }
    }
    return paths;
  }

  private static String[] concat(String[] a, String... b) {
    String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
