package io.chasm.examples.doctor;

import io.chasm.examples.cli.InProcessCli;
import io.chasm.examples.cli.InProcessCli.Run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.hashtree.snapshot.Snapshot;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {
  @TempDir Path dir;

  private Path key() throws Exception {
    Path k = dir.resolve("node.key");
    KeyFiles.writeKeyPair(k, Ed25519.generate());
    return k;
  }

  @Test
  void privateKeyReadableByOthers_fails_withChmodFix() throws Exception {
    Path k = key();
    assertThat(KeyChecks.privateKey("peer.identity", k).status()).isEqualTo(Finding.Status.OK);
    Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-r--r--"));
    Finding f = KeyChecks.privateKey("peer.identity", k);
    assertThat(f.status()).isEqualTo(Finding.Status.FAIL);
    assertThat(f.fix()).isEqualTo("chmod 600 " + k + " (and chown it to the daemon's user)");
    assertThat(KeyChecks.privateKey("oracle.key", dir.resolve("missing.key")).status()).isEqualTo(Finding.Status.FAIL);
    assertThat(KeyChecks.publicKey("fetcher.trust", KeyFiles.publicKeyFile(k)).status()).isEqualTo(Finding.Status.OK);
    assertThat(KeyChecks.publicKey("fetcher.trust", k).status()).isEqualTo(Finding.Status.FAIL);
  }

  @Test
  void unixSocket_missingWarns_staleFails_listeningIsOk() throws Exception {
    Path sock = dir.resolve("oracle.sock");
    assertThat(SocketChecks.unix("s", sock).status()).isEqualTo(Finding.Status.WARN);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      assertThat(SocketChecks.unix("s", sock).status()).isEqualTo(Finding.Status.OK);
    }
    // Closed without removing the file: what a killed daemon leaves.
    assertThat(Files.exists(sock)).isTrue();
    assertThat(SocketChecks.unix("s", sock).status()).isEqualTo(Finding.Status.FAIL);
  }

  @Test
  void oracleSocketWritableByOthers_fails_groupOnlyIsOk() throws Exception {
    Path sock = dir.resolve("oracle.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw----"));
      Finding ok = SocketChecks.oracleSocketMode(sock);
      assertThat(ok.status()).isEqualTo(Finding.Status.OK);
      assertThat(ok.detail()).endsWith("rw-rw----");
      Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));
      Finding open = SocketChecks.oracleSocketMode(sock);
      assertThat(open.status()).isEqualTo(Finding.Status.FAIL);
      assertThat(open.fix()).startsWith("set oracle.socket-mode = 660");
    }
  }

  @Test
  void inotifyLimit_comparedWithTheTreesDirectories() throws Exception {
    Path tree = dir.resolve("tree");
    for (int i = 0; i < 20; i++) {
      Files.createDirectories(tree.resolve("d" + i).resolve("e"));
    }
    Files.writeString(tree.resolve("d0/f"), "12345");
    TreeChecks.TreeSize size = TreeChecks.measure(tree);
    assertThat(size.directories()).isEqualTo(41);
    assertThat(size.bytes()).isEqualTo(5);
    Path limit = dir.resolve("max_user_watches");
    Files.writeString(limit, "40\n");
    assertThat(TreeChecks.inotify(size.directories(), limit, false).status()).isEqualTo(Finding.Status.WARN);
    Finding f = TreeChecks.inotify(size.directories(), limit, true);
    assertThat(f.status()).isEqualTo(Finding.Status.FAIL);
    assertThat(f.fix()).startsWith("sysctl -w fs.inotify.max_user_watches=");
    Files.writeString(limit, "8192\n");
    assertThat(TreeChecks.inotify(size.directories(), limit, true).status()).isEqualTo(Finding.Status.OK);
  }

  /** procfs reports size 0 for its files: the limit must be read as cat reads it, not by size. */
  @Test
  void inotifyLimit_readFromTheRealProcFile_asCatReadsIt() throws Exception {
    assumeTrue(Files.isReadable(TreeChecks.MAX_WATCHES), "not Linux");
    Process cat = new ProcessBuilder("cat", TreeChecks.MAX_WATCHES.toString()).start();
    String expected = new String(cat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
    assertThat(cat.waitFor()).isZero();
    assertThat(TreeChecks.inotify(1, TreeChecks.MAX_WATCHES, false).detail()).contains("limit " + expected + " watches");
  }

  @Test
  void disk_enoughForTheTreeIsOk_lessWarns_lessWithFlipFails() throws Exception {
    assertThat(TreeChecks.disk(dir, 1, false).status()).isEqualTo(Finding.Status.OK);
    assertThat(TreeChecks.disk(dir, Long.MAX_VALUE / 2, false).status()).isEqualTo(Finding.Status.WARN);
    assertThat(TreeChecks.disk(dir, Long.MAX_VALUE / 2, true).status()).isEqualTo(Finding.Status.FAIL);
  }

  @Test
  void clock_headFromTheFutureOrExpired_fails() {
    Instant now = Instant.parse("2026-12-04T12:00:00Z");
    ObjectId root = ObjectId.tree(Hash.sha256(new byte[] {1}));
    Snapshot fine = Snapshot.first("o", root).createdAt(now.minusSeconds(600)).build();
    Snapshot future = Snapshot.first("o", root).createdAt(now.plusSeconds(300)).build();
    Snapshot expired = Snapshot.first("o", root).createdAt(now.minus(Duration.ofDays(8))).expiresIn(Duration.ofDays(7)).build();
    assertThat(ClockCheck.judge(fine, now).status()).isEqualTo(Finding.Status.OK);
    assertThat(ClockCheck.judge(future, now).status()).isEqualTo(Finding.Status.FAIL);
    assertThat(ClockCheck.judge(future, now).detail()).contains("300 s in this clock's future");
    assertThat(ClockCheck.judge(expired, now).status()).isEqualTo(Finding.Status.FAIL);
  }

  @Test
  void command_exitsOneOnAFail_printsJson_andTwoOnABadConfig() throws Exception {
    Path k = key();
    Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-r--r--"));
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path conf = dir.resolve("chasm.conf");
    Files.writeString(conf, "tree = " + tree + "\nstate = " + dir.resolve("state") + "\npeer.identity = " + k
        + "\npeer.listen = tcp://127.0.0.1:1\n");
    Run r = run("doctor", "--config", conf.toString(), "--json", "--no-network");
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.get("failed").asInt()).isEqualTo(1);
    assertThat(doc.get("findings").findValuesAsText("check")).contains("key peer.identity", "socket oracle.socket",
        "socket peer.listen", "tree writable", "state writable", "disk space", "inotify watches");
    Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-------"));
    Run ok = run("doctor", "--config", conf.toString(), "--no-network");
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("OK   key peer.identity").contains("WARN socket oracle.socket").contains("no failures");
    Files.writeString(conf, "tree = " + tree + "\npeer.lisen = tcp://127.0.0.1:1\n");
    Run bad = run("doctor", "--config", conf.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().strip()).isEqualTo("chasm: " + conf + ":2: unknown setting 'peer.lisen' (did you mean 'peer.listen'?);"
        + " the keys are listed in docs/config.md or by chasm config keys");
  }

  private static Run run(String... args) {
    return InProcessCli.run(args);
  }
}
