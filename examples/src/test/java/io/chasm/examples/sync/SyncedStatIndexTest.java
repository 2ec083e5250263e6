package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.hashtree.publish.TreePublisher;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the real {@code chasm sync} publishes a snapshot, the mirror holds a stat index of what it
 * wrote: {@code chasm index} on it rehashes nothing and finds the same root as a cold index of the
 * same files, after a first sync and after an update; a file changed afterwards is still rehashed.
 */
class SyncedStatIndexTest {
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void sync_writesStatIndex_indexRehashesNothing() throws Exception {
    Origin key = Origin.create(work);
    Path origin = work.resolve("origin");
    byte[] big = new byte[300_000];
    new Random(7).nextBytes(big);
    Files.createDirectories(origin.resolve("pool"));
    Files.write(origin.resolve("pool/big.iso"), big);
    Trees.write(origin.resolve("pool/a.deb"), "package a\n".repeat(3000));
    Trees.write(origin.resolve("pool/a-copy.deb"), "package a\n".repeat(3000));
    Trees.write(origin.resolve("pool/empty"), "");
    Trees.write(origin.resolve("dists/stable/Release"), "Release 1\n");
    Trees.write(origin.resolve("bin/tool"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(origin.resolve("bin/tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(origin.resolve("latest"), Path.of("pool/a.deb"));
    Files.createSymbolicLink(origin.resolve("dists/passwd"), Path.of("/etc/passwd")); // not created on the mirror
    age(origin);
    key.publish(origin, "demo");

    Path dest = work.resolve("mirror");
    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      String[] sync = {"sync", server.uris().get(0).toString(), dest.toString(), "--trust", key.publicKeyFile().toString(), "--safe-links"};
      Cli.Result first = Cli.run(work, LIMIT, sync);
      assertThat(first.exit()).as(first.err()).isZero();
      JsonNode warm = index(dest);
      assertThat(warm.get("rehashed_files").asLong()).isZero();
      assertThat(warm.get("files").asLong()).isEqualTo(6);
      assertThat(warm.get("root").asText()).isEqualTo(coldRoot(dest));

      // An update: append, add, delete, retarget the link.
      Files.write(origin.resolve("pool/a.deb"), "appended\n".getBytes(), StandardOpenOption.APPEND);
      Trees.write(origin.resolve("pool/b.deb"), "package b\n".repeat(500));
      Files.delete(origin.resolve("pool/empty"));
      Files.delete(origin.resolve("latest"));
      Files.createSymbolicLink(origin.resolve("latest"), Path.of("pool/b.deb"));
      age(origin);
      key.publish(origin);
      server.poll();
      Cli.Result second = Cli.run(work, LIMIT, sync);
      assertThat(second.exit()).as(second.err()).isZero();
      warm = index(dest);
      assertThat(warm.get("rehashed_files").asLong()).isZero();
      assertThat(warm.get("root").asText()).isEqualTo(coldRoot(dest));

      // The index still sees a file changed behind the mirror's back (same size, new bytes).
      Files.writeString(dest.resolve("dists/stable/Release"), "Release X\n");
      JsonNode changed = index(dest);
      assertThat(changed.get("rehashed_files").asLong()).isEqualTo(1);
      assertThat(changed.get("root").asText()).isEqualTo(coldRoot(dest)).isNotEqualTo(warm.get("root").asText());
    }
  }

  /**
   * Moves every mtime an hour back. A mirror now keeps the origin's mtimes (SPEC §4.10), and a file
   * whose mtime is within the racy window of §6.3 is rehashed by the next index, rightly: only
   * files older than that can be trusted by stat alone.
   */
  static void age(Path root) throws Exception {
    FileTime old = FileTime.from(java.time.Instant.now().minus(Duration.ofHours(1)));
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(old, null, null);
      }
    }
  }

  JsonNode index(Path dir) throws Exception {
    Cli.Result r = Cli.run(work, LIMIT, "index", dir.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  /** The root tree id of the same files indexed from scratch (a copy without the state). */
  String coldRoot(Path dir) throws Exception {
    Path copy = work.resolve("cold");
    TreePublisher.deleteRecursively(copy);
    Trees.copy(dir, copy);
    TreePublisher.deleteRecursively(io.chasm.hashtree.index.StateLocation.of(copy));
    String root = index(copy).get("root").asText();
    TreePublisher.deleteRecursively(io.chasm.hashtree.index.StateLocation.of(copy));
    TreePublisher.deleteRecursively(copy);
    return root;
  }
}
