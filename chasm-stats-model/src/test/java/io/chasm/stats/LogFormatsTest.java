package io.chasm.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.stats.format.LogFormats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LogFormatsTest {
  static List<byte[]> lines(String... ls) {
    List<byte[]> out = new ArrayList<>();
    for (String l : ls) {
      out.add(l.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "combined|1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
      "common|1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1",
      "vhost_combined|h.example:80 1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
      "json|{\"time_local\":\"17/May/2015:10:05:03 +0000\",\"remote_addr\":\"1.2.3.4\",\"request\":\"GET / HTTP/1.1\",\"status\":200}",
      "xferlog|Mon Nov 04 00:00:05 2024 3 192.0.2.4 10 /a b _ o a anonymous@ ftp 0 * c",
      "vsftpd|Sun Nov 24 10:00:00 2024 [pid 1] [ftp] OK DOWNLOAD: Client \"1.2.3.4\", \"/a\", 1 bytes, 1.00Kbyte/sec",
      "rsyncd|2024/11/24 00:00:01 [1] send h [1.2.3.4] m () a 1",
      "git-daemon|Nov 26 06:00:01 host git-daemon[1]: Request upload-pack for '/r.git'"})
  void detect_eachFormat(String name, String line) {
    LogReader r = LogFormats.detect(lines("", line, line));
    assertThat(r).isNotNull();
    assertThat(r.name()).isEqualTo(name);
  }

  @Test
  void detect_unknown_isNull() {
    assertThat(LogFormats.detect(lines("hello world", "this is not a log"))).isNull();
    assertThat(LogFormats.detect(lines())).isNull();
  }

  @Test
  void detect_toleratesStartupLinesAmongRequests() {
    String req = "2024/11/24 00:00:01 [1] send h [1.2.3.4] m () a 1";
    LogReader r = LogFormats.detect(lines("2024/11/24 00:00:00 [1] rsyncd version 3.2.7 starting, listening on port 873", req, req));
    assertThat(r.name()).isEqualTo("rsyncd");
  }

  @Test
  void byName_unknown() {
    assertThatThrownBy(() -> LogFormats.byName("nope")).hasMessageContaining("unknown log format 'nope'");
    assertThat(LogFormats.byName("nginx-json").name()).isEqualTo("json");
  }
}
