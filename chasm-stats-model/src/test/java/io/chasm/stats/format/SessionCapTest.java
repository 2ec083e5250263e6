package io.chasm.stats.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.LogRecord;
import io.chasm.stats.LogRecord.Kind;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionCapTest {
  static final long DAY = 86_400;

  @Test
  void belowTheCap_nothingIsDropped() {
    Map<Integer, Long> m = sessions(3, 0);
    SessionCap.makeRoom(m, 4, 10 * DAY, t -> t);
    assertThat(m).hasSize(3);
  }

  @Test
  void atTheCap_staleSessionsGoFirst_liveOnesStay() {
    Map<Integer, Long> m = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      m.put(i, i < 2 ? 0L : 5 * DAY); // two a day too old, four live
    }
    SessionCap.makeRoom(m, 6, 5 * DAY + 10, t -> t);
    assertThat(m).containsOnlyKeys(2, 3, 4, 5);
  }

  @Test
  void atTheCap_allLive_theOlderHalfGoes() {
    Map<Integer, Long> m = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      m.put(i, 1000L + i);
    }
    SessionCap.makeRoom(m, 8, 2000, t -> t);
    assertThat(m).containsOnlyKeys(4, 5, 6, 7);
  }

  @Test
  void atTheCap_allInOneSecond_roomIsStillMade() {
    Map<Integer, Long> m = sessions(8, 1000);
    SessionCap.makeRoom(m, 8, 1000, t -> t);
    assertThat(m.size()).isLessThan(8);
  }

  @Test
  void rsyncd_aLiveSessionSurvivesTheCap_andItsTotalCounts() {
    RsyncdLogReader r = new RsyncdLogReader();
    // pid 1 began after half of the others: at the cap the older half goes, pid 1 stays (emptying
    // the table, as before, lost it)
    ReadersTest.parse(r, "2024/11/24 00:10:00 [1] rsync on fedora/ from h (192.0.2.1)");
    for (int pid = 2; pid <= RsyncdLogReader.MAX_SESSIONS + 1; pid++) {
      ReadersTest.parse(r, "2024/11/24 00:" + (pid % 2 == 0 ? "00" : "20") + ":00 [" + pid
          + "] rsync on debian/ from h (192.0.2.2)");
    }
    LogRecord tot = ReadersTest.parse(r, "2024/11/24 00:30:00 [1] sent 10 bytes  received 1 bytes  total size 10");
    assertThat(tot.kind).isEqualTo(Kind.REQUEST);
    assertThat(tot.path()).isEqualTo("fedora");
    // the newer half stayed too: one of them still has its session
    LogRecord other = ReadersTest.parse(r, "2024/11/24 00:30:00 [" + (RsyncdLogReader.MAX_SESSIONS + 1)
        + "] sent 5 bytes  received 1 bytes  total size 5");
    assertThat(other.kind).isEqualTo(Kind.REQUEST);
    assertThat(other.path()).isEqualTo("debian");
  }

  @Test
  void gitDaemon_aLiveClientSurvivesTheCap() {
    GitDaemonLogReader g = new GitDaemonLogReader(2024);
    ReadersTest.parse(g, "Nov 26 06:10:00 host git-daemon[1]: Connection from 192.0.2.1:50000");
    for (int pid = 2; pid <= GitDaemonLogReader.MAX_PIDS + 1; pid++) {
      ReadersTest.parse(g, "Nov 26 06:" + (pid % 2 == 0 ? "00" : "20") + ":00 host git-daemon[" + pid
          + "]: Connection from 192.0.2.2:50000");
    }
    LogRecord r = ReadersTest.parse(g, "Nov 26 06:30:00 host git-daemon[1]: Request upload-pack for '/r.git'");
    assertThat(r.kind).isEqualTo(Kind.REQUEST);
    assertThat(r.client()).isEqualTo("192.0.2.1");
  }

  static Map<Integer, Long> sessions(int n, long time) {
    Map<Integer, Long> m = new HashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(i, time);
    }
    return m;
  }
}
