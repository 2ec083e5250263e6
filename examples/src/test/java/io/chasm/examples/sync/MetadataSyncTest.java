package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code chasm sync} restores every entry's mtime (with nanoseconds) and mode
 * (tck/SPEC.md §4.4, §4.10), after a first sync and after an update; a touch or a chmod at the
 * origin is published and synced with no content on the wire; and rsync, as a tier-2 mirror
 * would run it, finds nothing to transfer from the origin to the mirror.
 */
class MetadataSyncTest {
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void sync_restoresMtimesAndModes_touchAndChmodMoveOnlyMetadata() throws Exception {
    Origin key = Origin.create(work);
    Path origin = work.resolve("origin");
    Trees.write(origin.resolve("pool/a.deb"), "package a\n".repeat(3000));
    Trees.write(origin.resolve("pool/a-copy.deb"), "package a\n".repeat(3000));
    Trees.write(origin.resolve("pool/private"), "not for everyone\n");
    Trees.write(origin.resolve("bin/tool"), "#!/bin/sh\n");
    Trees.write(origin.resolve("docs/readme.txt"), "read only\n");
    Files.createDirectories(origin.resolve("incoming"));
    Files.createDirectories(origin.resolve("secret/inner"));
    Files.createDirectories(origin.resolve("empty"));
    Files.createSymbolicLink(origin.resolve("latest"), Path.of("pool/a.deb"));
    Files.createSymbolicLink(origin.resolve("docs/up"), Path.of("../pool"));
    mode(origin.resolve("pool/private"), 0600);
    mode(origin.resolve("bin/tool"), 0755);
    mode(origin.resolve("docs/readme.txt"), 0444);
    mode(origin.resolve("incoming"), 01777);
    mode(origin.resolve("secret"), 0750);
    stamp(origin, 1_600_000_000L);
    key.publish(origin, "demo");

    Path dest = work.resolve("mirror");
    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      String[] sync = {"sync", server.uris().get(0).toString(), dest.toString(), "--trust", key.publicKeyFile().toString(),
          "--json"};
      sync(sync);
      assertThat(metadata(dest)).isEqualTo(metadata(origin));

      // An update: new content, a new file, a new directory, every time moved.
      Files.write(origin.resolve("pool/a.deb"), "appended\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
      Trees.write(origin.resolve("pool/new/b.deb"), "package b\n".repeat(500));
      mode(origin.resolve("pool/new"), 0700);
      stamp(origin, 1_700_000_000L);
      key.publish(origin);
      server.poll();
      JsonNode update = sync(sync);
      assertThat(update.get("chunks_fetched").asLong()).isPositive();
      assertThat(metadata(dest)).isEqualTo(metadata(origin));
      assertPyVerifyPasses(dest, key);

      // Metadata alone: a touch, chmods of a file and a directory, a link's time.
      Files.setLastModifiedTime(origin.resolve("pool/private"), FileTime.from(Instant.ofEpochSecond(1_234_567_890L, 987_654_321)));
      mode(origin.resolve("bin/tool"), 0700);
      mode(origin.resolve("secret"), 0755);
      Files.setLastModifiedTime(origin.resolve("secret/inner"), FileTime.from(Instant.ofEpochSecond(1_111_111_111L, 1)));
      Files.getFileAttributeView(origin.resolve("latest"), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(Instant.ofEpochSecond(1_222_222_222L, 5_000)), null, null);
      Files.createSymbolicLink(origin.resolve("docs/fresh"), Path.of("readme.txt")); // a time with nanoseconds
      key.publish(origin);
      server.poll();
      JsonNode touched = sync(sync);
      assertThat(touched.get("up_to_date").asBoolean()).isFalse();
      assertThat(touched.get("chunks_fetched").asLong()).isZero();
      assertThat(touched.get("chunks_reused").asLong()).isZero();
      assertThat(touched.get("files_added").asLong()).isZero();
      assertThat(touched.get("files_changed").asLong()).isZero();
      assertThat(metadata(dest)).isEqualTo(metadata(origin));
      // The stat index the sync wrote has the stat after the metadata was set: nothing to rehash.
      Cli.Result index = Cli.run(work, LIMIT, "index", dest.toString(), "--json");
      assertThat(index.exit()).as(index.err()).isZero();
      assertThat(new ObjectMapper().readTree(index.out()).get("rehashed_files").asLong()).isZero();

      assertPyVerifyPasses(dest, key);

      assertThat(rsyncItemized(origin, dest)).as("rsync -a --dry-run --itemize-changes, origin to mirror").isEmpty();
    }
  }

  /** The independent Python verifier (tck/verify_tree.py) finds the mirror equal to its signed head, metadata included. */
  private static void assertPyVerifyPasses(Path dest, Origin key) throws Exception {
    Cli.Result py = PyVerify.run(dest, key.publicKeyFile());
    assertThat(py.exit()).as(py.out() + py.err()).isZero();
  }

  private JsonNode sync(String... args) throws Exception {
    Cli.Result r = Cli.run(work, LIMIT, args);
    assertThat(r.exit()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  private static void mode(Path p, int mode) throws IOException {
    Files.setAttribute(p, "unix:mode", mode);
  }

  /**
   * Gives every entry its own mtime with nanoseconds (links: microseconds, all the JDK can set on a
   * link), directories last and deepest first, as a tree copied with {@code cp -a} has them.
   */
  private static void stamp(Path root, long base) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = new ArrayList<>(s.filter(p -> !p.equals(root) && !p.startsWith(root.resolve(Trees.STATE_DIR))).sorted().toList());
    }
    long i = 0;
    for (Path p : all) {
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        boolean link = Files.isSymbolicLink(p);
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(FileTime.from(Instant.ofEpochSecond(base + i++, link ? 123_456_000 : 123_456_789)), null, null);
      }
    }
    for (int k = all.size() - 1; k >= 0; k--) {
      if (Files.isDirectory(all.get(k), LinkOption.NOFOLLOW_LINKS)) {
        Files.setLastModifiedTime(all.get(k), FileTime.from(Instant.ofEpochSecond(base + i++, 999_999_999)));
      }
    }
  }

  /**
   * Path -> type, mode and mtime in nanoseconds (links: microseconds), as lstat(2) gives them; the
   * state directory and the root left out.
   */
  static Map<String, String> metadata(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = root.relativize(p).toString();
        if (rel.isEmpty() || rel.equals(Trees.STATE_DIR) || rel.startsWith(Trees.STATE_DIR + "/")) {
          continue;
        }
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        // A link's time to the microsecond: all a mirror can set on a link (SPEC §4.4, §4.10).
        TimeUnit unit = Files.isSymbolicLink(p) ? TimeUnit.MICROSECONDS : TimeUnit.NANOSECONDS;
        out.put(rel, Integer.toOctalString((Integer) a.get("mode")) + " " + ((FileTime) a.get("lastModifiedTime")).to(unit));
      }
    }
    return out;
  }

  /**
   * What {@code rsync -a} would change on the mirror, one itemized line each. The root directory
   * is left out: a snapshot describes what is inside it (SPEC §4), the directory itself is the
   * operator's.
   */
  private List<String> rsyncItemized(Path origin, Path dest) throws Exception {
    assumeTrue(onPath("rsync"), "rsync is not installed");
    Process p = new ProcessBuilder("rsync", "-a", "--dry-run", "--itemize-changes", "--exclude=/" + Trees.STATE_DIR,
        origin + "/", dest + "/").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.lines().filter(l -> !l.isBlank() && !l.endsWith(" ./")).toList();
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
