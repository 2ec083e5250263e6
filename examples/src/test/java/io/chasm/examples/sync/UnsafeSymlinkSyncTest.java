package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin whose tree holds symlinks that are absolute or climb out of the tree: the real
 * {@code chasm sync} skips exactly those (rsync's --safe-links), publishes everything else, reports
 * them in --json and on stderr, removes what their paths held before, and the mirror then verifies.
 */
class UnsafeSymlinkSyncTest {
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void sync_unsafeSymlinks_skippedReportedRestPublished() throws Exception {
    Origin key = Origin.create(work);
    Path origin = work.resolve("origin");
    Path outside = Files.createDirectories(work.resolve("outside"));
    Trees.write(origin.resolve("pool/a.deb"), "package a\n".repeat(3000));
    Trees.write(origin.resolve("pool/b.deb"), "package b\n".repeat(2000));
    Trees.write(origin.resolve("dists/stable/Release"), "Release\n");
    Files.createSymbolicLink(origin.resolve("latest"), Path.of("pool/a.deb"));
    Files.createSymbolicLink(origin.resolve("passwd"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(origin.resolve("pool/escape"), Path.of("../../outside"));
    key.publish(origin, "demo");

    Path dest = work.resolve("mirror");
    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      // By default a link out of the tree fails the sync, naming it, and nothing is published.
      Cli.Result strict = Cli.run(work, LIMIT, "sync", server.uris().get(0).toString(), dest.toString(),
          "--trust", key.publicKeyFile().toString());
      assertThat(strict.exit()).isEqualTo(1);
      assertThat(strict.err()).contains("UnsafePathException").contains("passwd").contains("rerun with --safe-links");
      assertThat(Files.exists(dest.resolve("pool/a.deb"))).isFalse();
      assertNothingIn(outside);

      String[] sync = {"sync", server.uris().get(0).toString(), dest.toString(), "--trust", key.publicKeyFile().toString(), "--json",
          "--safe-links"};
      Cli.Result first = Cli.run(work, LIMIT, sync);
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(skipped(first)).containsExactly("passwd", "pool/escape");
      assertThat(first.err().lines().filter(l -> l.contains("not created"))).hasSize(2)
          .anyMatch(l -> l.contains("symlink 'passwd'")).anyMatch(l -> l.contains("symlink 'pool/escape'"));
      Map<String, String> expected = Trees.listing(origin);
      expected.remove("passwd");
      expected.remove("pool/escape");
      assertThat(Trees.listing(dest)).isEqualTo(expected);
      assertThat(Files.exists(dest.resolve("passwd"), LinkOption.NOFOLLOW_LINKS)).isFalse();
      assertNothingIn(outside);
      assertVerifies(dest, key);

      // Snapshot 2: a file and a safe link become unsafe links; the old file and link must go.
      Files.delete(origin.resolve("pool/b.deb"));
      Files.createSymbolicLink(origin.resolve("pool/b.deb"), Path.of("/etc/shadow"));
      Files.delete(origin.resolve("latest"));
      Files.createSymbolicLink(origin.resolve("latest"), Path.of("../outside/x"));
      key.publish(origin);
      server.poll();

      Cli.Result second = Cli.run(work, LIMIT, sync);
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(skipped(second)).containsExactlyInAnyOrder("latest", "pool/b.deb");
      assertThat(Files.exists(dest.resolve("pool/b.deb"), LinkOption.NOFOLLOW_LINKS)).isFalse();
      assertThat(Files.exists(dest.resolve("latest"), LinkOption.NOFOLLOW_LINKS)).isFalse();
      assertThat(Trees.listing(dest)).containsOnlyKeys("dists", "dists/stable", "dists/stable/Release", "pool", "pool/a.deb");
      assertNothingIn(outside);
      assertVerifies(dest, key);
    }
  }

  @Test
  void publish_unsafeSymlink_warnsThatMirrorsSkipIt() throws Exception {
    Origin key = Origin.create(work);
    Path origin = work.resolve("origin");
    Trees.write(origin.resolve("a"), "a\n");
    Files.createSymbolicLink(origin.resolve("ok"), Path.of("a"));
    Files.createSymbolicLink(origin.resolve("passwd"), Path.of("/etc/passwd"));
    Cli.Result r = Cli.run(work, LIMIT, "publish", origin.toString(), "--key", key.keyFile().toString(), "--origin", "demo");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err().lines().filter(l -> l.startsWith("chasm: warning:")).toList())
        .singleElement().asString().contains("'passwd'");
  }

  static List<String> skipped(Cli.Result r) throws Exception {
    JsonNode json = new ObjectMapper().readTree(r.out());
    List<String> out = new ArrayList<>();
    json.get("skipped_symlinks").forEach(n -> out.add(n.asText()));
    return out;
  }

  static void assertNothingIn(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      assertThat(s.toList()).isEmpty();
    }
  }

  void assertVerifies(Path dest, Origin key) throws Exception {
    Cli.Result v = Cli.run(work, LIMIT, "verify", dest.toString(), "--trust", key.publicKeyFile().toString());
    assertThat(v.exit()).as(v.out() + v.err()).isZero();
  }
}
