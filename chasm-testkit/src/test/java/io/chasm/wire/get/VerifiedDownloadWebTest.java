package io.chasm.wire.get;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chasm.api.VerificationException;
import io.chasm.hashtree.export.StaticExport;
import io.chasm.testkit.Nginx;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link VerifiedDownload} from plain web mirrors (nginx, static export) mixed with a CHASM peer. */
@Timeout(120)
class VerifiedDownloadWebTest {
  static final String FILE = "pool/main/big.bin";
  static final long PEER_BYTES_PER_SECOND = 200_000;

  @TempDir Path tmp;
  Origin origin;
  Path tree;

  @BeforeEach
  void publish() throws Exception {
    assumeTrue(Nginx.binary() != null || System.getenv("CI") != null, "nginx is not installed (apt-get install nginx-light)");
    origin = Origin.create(Files.createDirectories(tmp.resolve("keys")));
    tree = tmp.resolve("origin");
    Files.createDirectories(tree.resolve("pool/main"));
    Files.write(tree.resolve(FILE), Trees.random(21, 1_500_000));
    origin.publish(tree, "demo");
    StaticExport.export(tree, null);
  }

  Path webCopy(String name, boolean tamper) throws Exception {
    Path p = tmp.resolve("web").resolve(name);
    Files.createDirectories(p.getParent());
    Trees.copy(tree, p);
    if (tamper) {
      // One flipped bit every 4 KiB, so every chunk is bad: which chunks the scheduler asks this
      // source for depends on the order the sources opened in (each gets a fair share at first).
      try (RandomAccessFile raf = new RandomAccessFile(p.resolve(FILE).toFile(), "rw")) {
        for (long at = 1000; at < raf.length(); at += 4096) {
          raf.seek(at);
          int b = raf.read();
          raf.seek(at);
          raf.write(b ^ 1);
        }
      }
    }
    return p;
  }

  @Test
  void tamperedWebMirror_goodWebMirror_andAPeer_fileCorrect_tampererRefused() throws Exception {
    Path bad = webCopy("bad", true);
    Path good = webCopy("good", false);
    Path out = tmp.resolve("out.bin");
    try (Nginx nginx = Nginx.start(tmp.resolve("nginx"), List.of(bad, good));
        // The peer sends at 200 KB/s, far below loopback nginx: otherwise a loopback peer can take
        // every chunk (and end-game copy the web mirrors' batches) before the good web mirror's
        // first answer arrives, and which source served what would depend on thread timing.
        TreeServer peer = TreeServer.start(tree, List.of(URI.create("tcp://127.0.0.1:0")),
            b -> b.uploadLimit(PEER_BYTES_PER_SECOND), Duration.ofSeconds(1))) {
      Download d = VerifiedDownload.from(nginx.uri(0), nginx.uri(1), peer.uris().get(0)).trust(origin.trust()).get(FILE, out);
      assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tree.resolve(FILE)));
      assertThat(d.dropped()).singleElement().asString().startsWith(nginx.uri(0).toString()).contains("refused")
          .contains("does not match");
      assertThat(d.bytesBySource().get(nginx.uri(1).toString())).isPositive();
    }
  }

  @Test
  void onlyATamperedWebMirror_refused_nothingWritten() throws Exception {
    Path bad = webCopy("bad", true);
    Path out = tmp.resolve("out.bin");
    try (Nginx nginx = Nginx.start(tmp.resolve("nginx"), List.of(bad))) {
      assertThatThrownBy(() -> VerifiedDownload.from(nginx.uri(0)).trust(origin.trust()).get(FILE, out))
          .isInstanceOf(VerificationException.class);
    }
    assertThat(out).doesNotExist();
  }
}
