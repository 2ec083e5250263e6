package io.chasm.stats.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.LogRecord.Kind;

/**
 * Jazzer fuzzing of every reader: whatever the bytes, parse returns a kind, a rejection has a
 * reason and a request's ranges lie inside its buffer; any exception fails. Under plain {@code mvn
 * test} these run the seed inputs in {@code ReadersFuzzTestInputs/} (regression mode); {@code
 * JAZZER_FUZZ=1 mvn test -Dtest=ReadersFuzzTest} fuzzes for {@code maxDuration} per reader.
 */
class ReadersFuzzTest {
  // Each input is parsed twice by one reader instance, as stateful readers (rsyncd, git) carry
  // sessions from line to line; the second call sees the first one's state.
  private static void check(String format, byte[] data) {
    LogReader r = LogFormats.byName(format);
    LogRecord rec = new LogRecord();
    int cut = data.length / 2;
    for (int[] range : new int[][] {{0, cut}, {cut, data.length}, {0, data.length}}) {
      Kind k = r.parse(data, range[0], range[1], rec);
      if (k == null || k != rec.kind) {
        throw new AssertionError("no kind");
      }
      if (k == Kind.REJECTED && (rec.reason == null || rec.reason.isEmpty())) {
        throw new AssertionError("rejection without reason");
      }
      if (k == Kind.REQUEST) {
        int n = rec.buf.length;
        if (rec.pathStart < 0 || rec.pathStart > rec.pathEnd || rec.pathEnd > n
            || rec.clientStart < 0 || rec.clientStart > rec.clientEnd || rec.clientEnd > n
            || rec.agentStart > rec.agentEnd || rec.agentEnd > n || rec.bytes < 0) {
          throw new AssertionError("request fields outside the buffer");
        }
      }
    }
  }

  @FuzzTest(maxDuration = "60s")
  void combined(byte[] data) {
    check("combined", data);
  }

  @FuzzTest(maxDuration = "60s")
  void common(byte[] data) {
    check("common", data);
  }

  @FuzzTest(maxDuration = "60s")
  void vhostCombined(byte[] data) {
    check("vhost_combined", data);
  }

  @FuzzTest(maxDuration = "60s")
  void customLogFormat(byte[] data) {
    check("logformat:%v %h %l %u %t \"%r\" %>s %b %O \"%{Referer}i\" \"%{User-Agent}i\" %D", data);
  }

  @FuzzTest(maxDuration = "60s")
  void json(byte[] data) {
    check("json", data);
  }

  @FuzzTest(maxDuration = "60s")
  void xferlog(byte[] data) {
    check("xferlog", data);
  }

  @FuzzTest(maxDuration = "60s")
  void vsftpd(byte[] data) {
    check("vsftpd", data);
  }

  @FuzzTest(maxDuration = "60s")
  void rsyncd(byte[] data) {
    check("rsyncd", data);
  }

  @FuzzTest(maxDuration = "60s")
  void gitDaemon(byte[] data) {
    check("git-daemon:2024", data);
  }
}
