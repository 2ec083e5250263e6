package io.chasm.examples.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.trust.Signer;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.collector.CollectorDemo;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.index.TreeVerifier;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.stats.StatsRow;
import io.chasm.stats.scan.LogScanner;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import io.chasm.wire.stats.DirectoryOutbox;
import io.chasm.wire.stats.StatsSpool;
import io.chasm.wire.stats.StatsSubmitter;
import io.chasm.wire.sync.SyncEngine;
import io.chasm.wire.sync.SyncOptions;
import io.chasm.wire.sync.SyncResult;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every snippet of docs/samples.md for real, and checks that the page quotes exactly the code
 * between each "samples.md:" marker here (blank lines aside), so the two cannot drift apart.
 */
class SamplesDocTest {
  static final Path DOC = Path.of("..", "docs", "samples.md");
  static final Path ME = Path.of("src/test/java/io/chasm/examples/samples/SamplesDocTest.java");
  static final String LOG_LINE = "203.0.113.%d - - [04/Dec/2026:10:00:0%d +0000] \"GET /debian/pool/main/h/hello/hello_2.10-3_amd64.deb"
      + " HTTP/1.1\" 200 56132 \"-\" \"apt/2.6.1\"\n";

  @TempDir Path tmp;

  Signer key = Ed25519.generate();

  Path origin() throws Exception {
    Path origin = tmp.resolve("origin");
    Trees.write(origin.resolve("pool/a.deb"), "package a\n".repeat(20_000));
    Trees.write(origin.resolve("dists/stable/Release"), "Release\n");
    return origin;
  }

  @Test
  @Timeout(120)
  void verifyServeAndSync() throws Exception {
    Path origin = origin();
    Path mirror = tmp.resolve("mirror");
    // ---- samples.md: Verify a tree ----
    SignedSnapshot latest;
    try (TreeIndex index = TreeIndex.open(origin)) {     // state outside the tree (StateLocation)
      index.update();                                   // rehashes only what changed
      latest = index.publish("demo", Duration.ofDays(7), key);
    }
    TreeVerifier.verify(origin, latest, TrustPolicy.single(key.publicKey()));   // throws on any bad byte
    // ---- end ----
    List<SyncResult> results = new ArrayList<>();
    Consumer<URI> served = where -> {
      try {
        List<URI> upstreams = List.of(where);
        // ---- samples.md: Sync from peers ----
        SyncOptions options = SyncOptions.builder(mirror, TrustPolicy.single(key.publicKey()))
            .upstreams(upstreams)                           // tcp://, unix://, http(s):// of a static export
            .build();
        SyncResult r = new SyncEngine(options).sync();
        System.out.println("snapshot " + r.sequence() + ": " + r.filesAdded() + " files added, "
            + r.chunksFetched() + " chunks fetched, " + r.bytesReceived() + " bytes received");
        // ---- end ----
        results.add(r);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    // ---- samples.md: Serve a tree ----
    try (TreeServer server = TreeServer.start(origin, List.of(URI.create("tcp://127.0.0.1:0")))) {
      URI where = server.uris().get(0);                 // the port the OS chose
      System.out.println("serving " + origin + " on " + where);
      served.accept(where);                             // ...until the server is closed
    }
    // ---- end ----
    assertThat(results).hasSize(1);
    assertThat(results.get(0).sequence()).isEqualTo(latest.snapshot().sequence());
    assertThat(Trees.listing(mirror)).isEqualTo(Trees.listing(origin));
  }

  @Test
  void parseALog() throws Exception {
    Path log = writeLog(3);
    // ---- samples.md: Parse a log into statistics ----
    LogScanner.Options o = new LogScanner.Options();   // format detected per file, default rules
    LogScanner.Result r = new LogScanner(o).scan(List.of(log), null);   // no sink: a one-off report
    for (StatsRow row : r.summary.rows()) {
      System.out.println(row.granularity + " " + row.artifact + ": " + row.downloads() + " downloads, "
      + row.bytes() + " bytes, ~" + row.uniqueEstimate() + " unique downloaders");   // MONTH rows carry the uniques
    }
    // ---- end ----
    assertThat(r.errors).isEmpty();
    assertThat(r.summary.rows()).allMatch(row -> row.artifact.equals("/debian/pool/main/h/hello/hello_2.10-3_amd64.deb"))
        .filteredOn(row -> row.granularity == StatsRow.Granularity.DAY)
        .singleElement().matches(row -> row.downloads() == 3 && row.bytes() == 3 * 56132L);
  }

  @Test
  @Timeout(120)
  void submitToACollector() throws Exception {
    Path log = writeLog(2);
    Path state = tmp.resolve("state");
    try (CollectorDemo demo = CollectorDemo.start(tmp.resolve("collector"), 0)) {
      URI collector = demo.uri();
      Signer mirrorKey = demo.mirrorKey();
      // ---- samples.md: Submit to a collector ----
      LogScanner.Options o = new LogScanner.Options();
      o.stateDir = state;                                 // checkpoints and day secrets
      new LogScanner(o).scan(List.of(log), new StatsSpool(state.resolve("spool"), "demo-mirror"));
      StatsSubmitter submitter = new StatsSubmitter(collector, mirrorKey);
      StatsSubmitter.Report sent = submitter.drain(new DirectoryOutbox(state.resolve("spool")));
      System.out.println(sent.acknowledged() + " batches acknowledged, " + sent.remaining() + " waiting");
      // ---- end ----
      assertThat(CollectorDemo.MIRROR).isEqualTo("demo-mirror");
      assertThat(sent.acknowledged()).isPositive();
      assertThat(sent.rejected()).isZero();
      assertThat(sent.remaining()).isZero();
    }
  }

  @Test
  void docQuotesEverySnippetExactly() throws Exception {
    String doc = Files.readString(DOC);
    String me = Files.readString(ME);
    Matcher block = Pattern.compile("(?m)^## (.+)\\n(?:(?!^## )[\\s\\S])*?```java\\n([\\s\\S]*?)```").matcher(doc);
    int n = 0;
    while (block.find()) {
      n++;
      String name = block.group(1).strip();
      int at = me.indexOf("// ---- samples.md: " + name + " ----");
      assertThat(at).as("a marked region for '%s'", name).isPositive();
      String region = me.substring(me.indexOf('\n', at) + 1, me.indexOf("// ---- end ----", at));
      assertThat(lines(block.group(2))).as(name).isEqualTo(lines(region));
    }
    assertThat(n).isEqualTo(5);
  }

  private static List<String> lines(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private Path writeLog(int downloads) throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < downloads; i++) {
      b.append(String.format(LOG_LINE, 7 + i, i));
    }
    Path log = tmp.resolve("access.log");
    Files.writeString(log, b.toString());
    return log;
  }
}
