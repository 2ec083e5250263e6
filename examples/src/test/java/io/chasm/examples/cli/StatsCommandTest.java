package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.common.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCommandTest extends CapturedOutput {
  @TempDir Path dir;

  /** Surefire runs in the module directory; the sample lives in the repository's data/. */
  static final Path SAMPLE = Path.of("..", "data", "apache-combined-sample.log");


  @Test
  void scan_json_hasTheDocumentedKeys() throws IOException {
    int rc = ChasmCli.run("stats", "scan", SAMPLE.toString(), "--json");
    assertThat(rc).as(err.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(j.get("lines_total").asLong()).isEqualTo(10_000);
    for (String k : List.of("lines_rejected", "bytes_total", "downloads", "unique_downloaders", "artifacts")) {
      assertThat(j.has(k)).as(k).isTrue();
    }
    JsonNode top = j.get("artifacts").get(0);
    assertThat(top.get("artifact").asText()).isEqualTo("/favicon.ico");
    assertThat(top.get("downloads").asLong()).isPositive();
    assertThat(top.has("unique_downloaders")).isTrue();
    long sum = 0;
    for (JsonNode a : j.get("artifacts")) {
      sum += a.get("downloads").asLong();
    }
    assertThat(sum).isEqualTo(j.get("downloads").asLong());
  }

  @Test
  void scan_json_namesTheWindowOfEveryUniqueFigure_oneClientOnSevenDaysIsOneInTheWeek() throws IOException {
    StringBuilder log = new StringBuilder();
    for (int d = 2; d <= 8; d++) { // Monday 2026-11-02 to Sunday 2026-11-08: ISO week 2026-W45
      log.append(String.format("198.51.100.7 - - [%02d/Nov/2026:10:00:00 +0000] \"GET /debian/a.deb HTTP/1.1\" 200 100 \"-\" \"apt\"%n", d));
    }
    Path f = dir.resolve("access.log");
    Files.writeString(f, log);
    assertThat(ChasmCli.run("stats", "scan", f.toString(), "--json")).as(err.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    long daySum = 0;
    List<String> others = new ArrayList<>();
    for (JsonNode u : j.get("unique_downloaders")) {
      assertThat(u.fieldNames()).toIterable().containsExactly("window", "start", "unique_downloaders");
      if (u.get("window").asText().equals("day")) {
        assertThat(u.get("start").asText()).matches("2026-11-0[2-8]");
        daySum += u.get("unique_downloaders").asLong();
      } else {
        others.add(u.get("window").asText() + " " + u.get("start").asText() + " " + u.get("unique_downloaders").asLong());
      }
    }
    assertThat(daySum).isEqualTo(7);
    assertThat(others).containsExactly("week 2026-W45 1", "month 2026-11 1");
    JsonNode art = j.get("artifacts").get(0).get("unique_downloaders");
    assertThat(art).hasSize(1);
    assertThat(art.get(0).get("window").asText()).isEqualTo("month");
    assertThat(art.get(0).get("start").asText()).isEqualTo("2026-11");
    assertThat(art.get(0).get("unique_downloaders").asLong()).isEqualTo(1);
  }

  @Test
  void scan_human_summary() {
    int rc = ChasmCli.run("stats", "scan", SAMPLE.toString());
    assertThat(rc).isZero();
    assertThat(out.toString()).contains("top artifacts", "by type", "by protocol", "/favicon.ico");
  }

  @Test
  void scan_unknownFormat_exit2_namesFile() throws IOException {
    Path odd = dir.resolve("odd.log");
    Files.writeString(odd, "not a log line at all\n");
    assertThat(ChasmCli.run("stats", "scan", odd.toString())).isEqualTo(ExitCodes.ERROR);
    assertThat(err.toString()).contains("odd.log", "unknown log format", "not a log line at all");
    assertThat(ChasmCli.run("stats", "scan", odd.toString(), "--format", "nope")).isEqualTo(ExitCodes.ERROR);
  }

  /** Writes logs of every format with known client addresses; returns the addresses. */
  static List<String> writeLogs(Path dir, long seed) throws IOException {
    Random rnd = new Random(seed);
    List<String> addrs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      addrs.add(rnd.nextBoolean()
          ? "198.51." + (100 + rnd.nextInt(50)) + "." + (10 + rnd.nextInt(240))
          : String.format("2001:db8:%x:%x::%x", 0x1000 + rnd.nextInt(0xe000), 0x1000 + rnd.nextInt(0xe000), 0x100 + rnd.nextInt(0xf00)));
    }
    StringBuilder http = new StringBuilder(), xfer = new StringBuilder(), rsync = new StringBuilder(),
        vsftpd = new StringBuilder(), git = new StringBuilder();
    String[] paths = {"/debian/pool/main/a/a_1.deb", "/fedora/linux/41/x.iso", "/apache/x-1.0.tar.gz",
        "/fedora/updates/repodata/repomd.xml?countme=2", "/pub/scm/git.git/git-upload-pack"};
    for (int i = 0; i < 600; i++) {
      String a = addrs.get(rnd.nextInt(addrs.size()));
      String p = paths[rnd.nextInt(paths.length)];
      int sec = i % 60, min = (i / 60) % 60;
      String method = p.endsWith("upload-pack") ? "POST" : "GET";
      int status = new int[] {200, 200, 200, 206, 304, 404}[rnd.nextInt(6)];
      http.append(String.format("%s - - [24/Nov/2024:10:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %d \"-\" \"libdnf (Fedora Linux 41; generic; Linux.x86_64)\"%n",
          a, min, sec, method, p, status, 100 + i));
      xfer.append(String.format("Sun Nov 24 10:%02d:%02d 2024 1 %s %d /pub/f%d.iso b _ o a anonymous@ ftp 0 * c%n", min, sec, a, 500 + i, i % 5));
      rsync.append(String.format("2024/11/24 10:%02d:%02d [%d] send host [%s] mirror () debian/pool/x%d.deb %d%n", min, sec, 1000 + i, a, i % 9, 700 + i));
      rsync.append(String.format("2024/11/24 10:%02d:%02d [%d] connect from h (%s)%n", min, sec, 5000 + i, a));
      rsync.append(String.format("2024/11/24 10:%02d:%02d [%d] rsync on fedora/ from h (%s)%n", min, sec, 5000 + i, a));
      rsync.append(String.format("2024/11/24 10:%02d:%02d [%d] sent %d bytes  received 10 bytes  total size 99%n", min, sec, 5000 + i, 300 + i));
      vsftpd.append(String.format("Sun Nov 24 10:%02d:%02d 2024 [pid %d] [ftp] OK DOWNLOAD: Client \"%s\", \"/pub/v%d.iso\", %d bytes, 1.00Kbyte/sec%n", min, sec, i, a, i % 4, 900 + i));
      vsftpd.append(String.format("Sun Nov 24 10:%02d:%02d 2024 [pid %d] CONNECT: Client \"%s\"%n", min, sec, i, a));
      git.append(String.format("Nov 24 10:%02d:%02d host git-daemon[%d]: Connection from %s:4%03d%n", min, sec, i, a.contains(":") ? "[" + a + "]" : a, i));
      git.append(String.format("Nov 24 10:%02d:%02d host git-daemon[%d]: Request upload-pack for '/pub/r%d.git'%n", min, sec, i, i % 3));
    }
    Files.writeString(dir.resolve("access.log"), http);
    Files.writeString(dir.resolve("xferlog"), xfer);
    Files.writeString(dir.resolve("rsyncd.log"), rsync);
    Files.writeString(dir.resolve("vsftpd.log"), vsftpd);
    Files.writeString(dir.resolve("git-daemon.log"), git);
    return addrs;
  }

  @Test
  void noClientAddress_isWrittenAnywhere() throws IOException {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    List<String> addrs = writeLogs(logs, 11);
    Path state = dir.resolve("state");
    List<String> args = new ArrayList<>(List.of("stats", "scan", "--state", state.toString(), "--json",
        "--format", "combined", logs.resolve("access.log").toString()));
    assertThat(ChasmCli.run(args.toArray(new String[0]))).as(err.toString()).isZero();
    for (String f : List.of("xferlog", "rsyncd.log", "vsftpd.log")) {
      assertThat(ChasmCli.run("stats", "scan", "--state", state.toString(), logs.resolve(f).toString()))
          .as(f + err).isZero();
    }
    assertThat(ChasmCli.run("stats", "scan", "--state", state.toString(), "--format", "git-daemon:2024",
        logs.resolve("git-daemon.log").toString())).isZero();
    // Every kind of data reached the spool...
    String json = out.toString(StandardCharsets.UTF_8);
    assertThat(json).contains("\"downloads\"");
    List<Path> written;
    try (Stream<Path> s = Files.walk(state)) {
      written = s.filter(Files::isRegularFile).toList();
    }
    assertThat(written.stream().filter(p -> p.toString().endsWith(".batch")).count()).isGreaterThanOrEqualTo(5);
    // ...and no address is in any file the agent wrote, nor in what it printed.
    List<byte[]> blobs = new ArrayList<>();
    for (Path p : written) {
      blobs.add(Files.readAllBytes(p));
    }
    blobs.add(out.toByteArray());
    blobs.add(err.toByteArray());
    for (String a : addrs) {
      byte[] needle = a.getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < blobs.size(); i++) {
        assertThat(indexOf(blobs.get(i), needle)).as(a + " in " + (i < written.size() ? written.get(i) : "output"))
            .isEqualTo(-1);
      }
    }
  }

  static int indexOf(byte[] h, byte[] n) {
    outer:
    for (int i = 0; i + n.length <= h.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (h[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
