package io.chasm.examples.sync;

import io.chasm.hashtree.index.StateLocation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code chasm sync} into a directory that already holds entries the snapshot does not
 * have: without --delete it refuses and changes nothing; with --delete the mirror becomes an exact
 * copy, on the first sync and on later ones.
 */
class NonEmptyDestinationTest {
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void sync_nonEmptyDestination_refusedWithoutDeleteExactCopyWithIt() throws Exception {
    Origin key = Origin.create(work);
    Path origin = work.resolve("origin");
    Trees.write(origin.resolve("pool/a.deb"), "package a\n".repeat(3000));
    Trees.write(origin.resolve("dists/stable/Release"), "Release 1\n");
    key.publish(origin, "demo");

    Path dest = work.resolve("mirror");
    Trees.write(dest.resolve("stale.deb"), "left over\n");
    Trees.write(dest.resolve("pool/old.deb"), "an old package\n");
    Trees.write(dest.resolve("pool/a.deb"), "another version of a\n");
    Trees.write(dest.resolve("old/x/y"), "deep\n");
    Files.createSymbolicLink(dest.resolve("dists"), Path.of("/etc"));
    Map<String, String> before = Trees.listing(dest);

    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      String up = server.uris().get(0).toString();
      Cli.Result refused = Cli.run(work, LIMIT, "sync", up, dest.toString(), "--trust", key.publicKeyFile().toString());
      assertThat(refused.exit()).as(refused.err()).isEqualTo(ExitCodes.ERROR);
      assertThat(refused.err().strip().lines()).singleElement().asString()
          .contains("3 entries are not in snapshot #1", "first: 'old'", "--delete");
      assertThat(Trees.listing(dest)).isEqualTo(before);
      assertThat(SnapshotHistory.open(StateLocation.of(dest).resolve("snapshots")).latest()).isEmpty();

      Cli.Result first = Cli.run(work, LIMIT, "sync", up, dest.toString(), "--trust", key.publicKeyFile().toString(), "--delete", "--json");
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(origin));
      // stale.deb, pool/old.deb, old/x/y (the replaced pool/a.deb and the dists link are not deletions)
      assertThat(new ObjectMapper().readTree(first.out()).get("files_deleted").asLong()).isEqualTo(3);

      // Later syncs apply the diff between snapshots; with --delete they also remove strays.
      Trees.write(dest.resolve("pool/stray.deb"), "dropped in by hand\n");
      Trees.write(origin.resolve("pool/b.deb"), "package b\n".repeat(1000));
      key.publish(origin);
      server.poll();
      Cli.Result second = Cli.run(work, LIMIT, "sync", up, dest.toString(), "--trust", key.publicKeyFile().toString(), "--delete");
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(origin));
    }
  }
}
