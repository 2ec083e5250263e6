package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chasm.examples.chasm.ChasmCli;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.testkit.Trees;
import io.chasm.wire.peer.PeerClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, live origins: 20 files edited at the origin without a publish, between syncs and while
 * syncs run, against a real {@code chasm serve} and real {@code chasm sync} processes. Every sync
 * either completes on the last published snapshot or fails naming a changed path; no mirror is
 * ever torn, and {@code chasm verify} of each mirror against its own head passes.
 */
class LiveOriginTest {
  static final Duration LIMIT = Duration.ofSeconds(120);
  static final int FILES = 200;
  static final String REPO = "demo";

  @TempDir Path work;
  final Random rnd = new Random(20261204);
  Path key;
  Path origin;
  URI uri;

  @Test
  void editsWithoutPublish_betweenAndDuringSyncs_syncCompletesOrNamesAChangedPath_neverTorn() throws Exception {
    key = work.resolve("origin.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    origin = work.resolve("origin");
    for (int i = 0; i < FILES; i++) {
      write(i);
    }
    Map<String, String> v1 = publish(1);
    Process serve = serve();
    try {
      Path a = work.resolve("a");
      Cli.Result first = sync(a);
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(Trees.listing(a)).isEqualTo(v1);

      // (a) Between syncs: snapshot 2 changes files 0..39; then 20..39 are edited, unpublished.
      for (int i = 0; i < 40; i++) {
        write(i);
      }
      Map<String, String> v2 = publish(2);
      List<String> edited = new ArrayList<>();
      for (int i = 20; i < 40; i++) {
        edited.add(write(i));
      }
      Cli.Result update = sync(a);
      assertCompletesOrNamesAChangedPath(update, a, v2, edited, 2);
      assertThat(update.exit()).as("A needs edited files").isNotZero();
      assertThat(Trees.listing(a)).as("nothing of snapshot 2 published").isEqualTo(v1);
      assertVerifies(a);
      Path b = work.resolve("b");
      Cli.Result fresh = sync(b);
      assertThat(fresh.exit()).isNotZero();
      assertCompletesOrNamesAChangedPath(fresh, b, v2, edited, 2);
      assertThat(files(b)).as("a refused first sync publishes no file").isEmpty();

      // (b) While syncs run: snapshot 3 changes 150 files; 20 of them are edited once the syncs started.
      for (int i = 0; i < 150; i++) {
        write(i);
      }
      Map<String, String> v3 = publish(3);
      Process syncA = Cli.command(work, syncArgs(a)).redirectErrorStream(true).start();
      Path c = work.resolve("c");
      Process syncC = Cli.command(work, syncArgs(c)).redirectErrorStream(true).start();
      CompletableFuture<String> outA = CompletableFuture.supplyAsync(() -> drain(syncA));
      CompletableFuture<String> outC = CompletableFuture.supplyAsync(() -> drain(syncC));
      List<String> during = new ArrayList<>();
      CompletableFuture<Void> editor = CompletableFuture.runAsync(() -> {
        try {
          Thread.sleep(700);
          for (int i = 149; i > 129; i--) {
            during.add(write(i));
            Thread.sleep(30);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(syncA.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(syncC.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      editor.get();
      assertCompletesOrNamesAChangedPath(new Cli.Result(syncA.exitValue(), "", outA.get()), a, v3, during, 3);
      if (syncA.exitValue() != 0) {
        assertThat(Trees.listing(a)).as("A keeps snapshot 1 whole").isEqualTo(v1);
      }
      assertVerifies(a);
      assertCompletesOrNamesAChangedPath(new Cli.Result(syncC.exitValue(), "", outC.get()), c, v3, during, 3);

      // Publishing again heals every mirror.
      Map<String, String> v4 = publish(4);
      for (Path m : List.of(a, b, c)) {
        Cli.Result r = sync(m);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Trees.listing(m)).isEqualTo(v4);
        assertVerifies(m);
      }
    } finally {
      serve.destroy();
      serve.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A completed sync holds exactly the published snapshot; a failed one names a changed path and that snapshot. */
  static void assertCompletesOrNamesAChangedPath(Cli.Result r, Path mirror, Map<String, String> published,
      List<String> edited, long sequence) throws Exception {
    if (r.exit() == 0) {
      assertThat(Trees.listing(mirror)).isEqualTo(published);
      return;
    }
    assertThat(r.err()).as(r.err()).contains("origin changed since snapshot " + sequence)
        .contains("publish a new snapshot there");
    assertThat(edited).as(r.err()).anyMatch(p -> r.err().contains(p));
  }

  void assertVerifies(Path mirror) throws Exception {
    assertThat(ChasmCli.run("verify", mirror.toString(), "--trust", key + ".pub")).isZero();
  }

  static Map<String, String> files(Path mirror) throws Exception {
    Map<String, String> out = new TreeMap<>(Trees.listing(mirror));
    out.values().removeIf("dir"::equals);
    return out;
  }

  /** Writes new random content to file {@code i}; returns its tree path. */
  String write(int i) throws Exception {
    String p = "pool/" + (i % 10) + "/pkg-" + i + ".deb";
    byte[] b = new byte[60_000 + rnd.nextInt(120_000)];
    rnd.nextBytes(b);
    Path f = origin.resolve(p);
    Files.createDirectories(f.getParent());
    Files.write(f, b);
    return p;
  }

  Map<String, String> publish(long expected) throws Exception {
    assertThat(ChasmCli.run("publish", origin.toString(), "--key", key.toString(), "--origin", REPO)).isZero();
    Map<String, String> listing = Trees.listing(origin);
    if (uri != null) {
      await().atMost(LIMIT).until(() -> served() == expected);
    }
    return listing;
  }

  long served() throws Exception {
    try (PeerClient client = PeerClient.connect(uri)) {
      return SignedSnapshot.decode(PeerClient.await(client.head(REPO)).orElseThrow()).snapshot().sequence();
    }
  }

  Process serve() throws Exception {
    Process p = Cli.command(work, "serve", origin.toString(), "--listen", "tcp://127.0.0.1:0")
        .redirectError(work.resolve("serve.log").toFile()).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    assertThat(line).as("chasm serve's first line").startsWith("listening on ");
    uri = URI.create(line.split(" ")[2]);
    return p;
  }

  String[] syncArgs(Path dest) {
    return new String[] {"sync", uri.toString(), dest.toString(), "--trust", key + ".pub", "--repo", REPO};
  }

  Cli.Result sync(Path dest) throws Exception {
    return Cli.run(work, LIMIT, syncArgs(dest));
  }

  static String drain(Process p) {
    try {
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
