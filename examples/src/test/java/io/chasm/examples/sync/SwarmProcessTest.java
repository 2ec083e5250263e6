package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.api.Hash;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import io.chasm.wire.sync.SyncEngine;
import io.chasm.wire.sync.SyncOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's six-mirror swarm with real processes on loopback (the in-process twin is chasm-testkit's
 * {@code SwarmSyncTest}): two honest {@code chasm serve} mirrors of synced copies, a slow {@code
 * chasm serve} killed with SIGKILL while it is sending chunks, a flipper and a liar in their own
 * JVMs ({@link HostileMirrorMain}) and a {@code chasm serve --upload-limit 200KB/s}. A fresh {@code
 * chasm sync} of all six must exit 0 with the origin's tree, naming the flipper with its evidence
 * and the liar, and dropping the dead one.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SwarmProcessTest {
  private static final Pattern EVIDENCE = Pattern.compile(
      "chunk (sha256:[0-9a-f]{64}) from \\S+ does not match its bytes: expected hash (sha256:[0-9a-f]{64}), received hash (sha256:[0-9a-f]{64})");

  @TempDir Path work;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : children) {
      p.destroyForcibly();
    }
    for (Process p : children) {
      p.waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void sixMirrorProcesses_honestSlowDeadFlipperLiarThrottled_treeIdentical_badOnesNamedWithEvidence() throws Exception {
    Path key = work.resolve("origin.key");
    assertThat(ChasmCli.run("keygen", "--out", key.toString())).isZero();
    // Flat on purpose: the root tree and the manifests are then one request each (see the order below).
    Path origin = Files.createDirectories(work.resolve("origin"));
    Set<Hash> chunkIds = new HashSet<>();
    for (int i = 0; i < 16; i++) {
      Path f = Files.write(origin.resolve("pkg" + i + ".deb"), Trees.random(1400 + i, 480_000 + i * 3_000));
      new Chunker().chunk(f).stream().map(Chunk::id).forEach(chunkIds::add);
    }
    assertThat(ChasmCli.run("publish", origin.toString(), "--key", key.toString(), "--origin", "debian")).isZero();
    Path m1 = work.resolve("mirror1");
    Path m2 = work.resolve("mirror2");
    syncInProcess(origin, m1, key);
    syncInProcess(m1, m2, key); // a mirror of a mirror: served onwards byte for byte

    // The list order decides who is asked first: each fetch gives everything to the first source
    // not yet measured (docs/sync.md). So A takes the root tree, B the manifests, and the slow mirror
    // all chunks, with nobody else asked until it dies; then the liar refuses them, the flipper sends
    // a bad one early, and the throttled and honest ones finish.
    Process[] mirrors = {
        server("serve", m1.toString()),
        server("serve", m2.toString()),
        server("serve", m1.toString(), "--upload-limit", "256KB/s"),
        server(null, "lie", origin.toString()),
        server(null, "flip", origin.toString()),
        server("serve", origin.toString(), "--upload-limit", "200KB/s")};
    URI honestA = listening(mirrors[0]);
    URI honestB = listening(mirrors[1]);
    Process slowProcess = mirrors[2];
    URI slow = listening(slowProcess);
    URI liar = listening(mirrors[3]);
    URI flipper = listening(mirrors[4]);
    URI throttled = listening(mirrors[5]);

    Path dest = work.resolve("downstream");
    Path out = work.resolve("sync.out");
    Path err = work.resolve("sync.err");
    Process sync = start(Cli.command(work, "sync", honestA.toString(), honestB.toString(), slow.toString(), liar.toString(),
            flipper.toString(), throttled.toString(), dest.toString(), "--trust", key + ".pub", "--json")
        .redirectOutput(out.toFile()).redirectError(err.toFile()));
    // Once chunk bytes are staged the slow mirror is sending (nobody else is asked yet): kill it then.
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (sync.isAlive() && stagedBytes(dest) == 0 && System.nanoTime() < giveUp) {
      Thread.sleep(5);
    }
    assertThat(sync.isAlive()).as("the sync still runs when the slow mirror is killed: %s", Files.readString(err)).isTrue();
    slowProcess.destroyForcibly(); // SIGKILL
    slowProcess.waitFor();

    assertThat(sync.waitFor(180, TimeUnit.SECONDS)).as("sync finished").isTrue();
    String stderr = Files.readString(err);
    assertThat(sync.exitValue()).as("sync: %s%s", Files.readString(out), stderr).isZero();
    assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(origin));
    assertThat(ChasmCli.run("verify", dest.toString(), "--trust", key + ".pub")).isZero();

    List<String> banned = new ArrayList<>();
    JsonNode report = new ObjectMapper().readTree(Files.readString(out));
    report.get("banned").forEach(n -> banned.add(n.asText()));
    assertThat(banned).as("banned; the sync said: %s", stderr).anySatisfy(s -> {
      assertThat(s).startsWith(flipper + ": ");
      Matcher m = EVIDENCE.matcher(s);
      assertThat(m.find()).as(s).isTrue();
      assertThat(m.group(1)).isEqualTo(m.group(2));
      assertThat(chunkIds).as("the chunk named is one of the tree's").contains(Hash.parse(m.group(1)));
      assertThat(m.group(3)).isNotEqualTo(m.group(2));
    });
    assertThat(banned).as(stderr).anySatisfy(s -> assertThat(s).startsWith(liar + ": ")
        .contains("claimed the snapshot but answered not-held for "));
    assertThat(banned).as("the dead one is dropped").anySatisfy(s -> assertThat(s).startsWith(slow + ": "));
    for (URI good : List.of(honestA, honestB, throttled)) {
      assertThat(banned).noneSatisfy(s -> assertThat(s).startsWith(good + ": "));
    }
    assertThat(banned).hasSize(3);
    for (String b : banned) {
      assertThat(stderr).contains("chasm: banned upstream " + b);
    }
  }

  private static void syncInProcess(Path from, Path to, Path key) throws Exception {
    TrustPolicy trust = TrustPolicy.single(KeyFiles.readSigner(key).publicKey());
    try (TreeServer s = TreeServer.start(from, List.of(URI.create("tcp://127.0.0.1:0")))) {
      new SyncEngine(SyncOptions.builder(to, trust).upstream(s.uris().get(0)).build()).sync();
    }
  }

  /** Starts {@code chasm COMMAND ARGS --listen ...} or, for a null command, {@code HostileMirrorMain ARGS}. */
  private Process server(String command, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of(args));
    ProcessBuilder pb;
    if (command == null) {
      pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"), HostileMirrorMain.class.getName());
      pb.command().addAll(a);
    } else {
      a.add(0, command);
      a.addAll(List.of("--listen", "tcp://127.0.0.1:0"));
      pb = Cli.command(work, a.toArray(String[]::new));
    }
    return start(pb);
  }

  private Process start(ProcessBuilder pb) throws IOException {
    if (pb.redirectError() == ProcessBuilder.Redirect.PIPE) {
      pb.redirectError(Files.createTempFile(work, "child", ".err").toFile());
    }
    Process p = pb.start();
    children.add(p);
    return p;
  }

  /** The "listening on URI" line every server here prints first. */
  private static URI listening(Process p) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    assertThat(line).as("a server's first line").startsWith("listening on ");
    return URI.create(line.substring("listening on ".length()).split(" ")[0]);
  }

  /** Chunk bytes the downstream holds in staging (its state directory, or the tree if elsewhere). */
  private static long stagedBytes(Path dest) throws IOException {
    long n = 0;
    for (Path root : List.of(StateLocation.of(dest), dest)) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.filter(x -> x.toString().endsWith(".part")).toList()) {
          try {
            n += Files.size(p);
          } catch (IOException e) {
            // renamed or removed since listed: the next poll sees the rest
          }
        }
      } catch (java.io.UncheckedIOException e) {
        // a directory vanished during the walk: poll again
      }
    }
    return n;
  }
}
