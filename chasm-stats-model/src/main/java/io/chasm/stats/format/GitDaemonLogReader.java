package io.chasm.stats.format;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.internal.Bytes;
import io.chasm.stats.internal.StampCache;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code git daemon --syslog --verbose} lines as syslog writes them: {@code Nov 26 06:00:00 host
 * git-daemon[123]: Request upload-pack for '/pub/x.git'} (BSD time, read as UTC in the configured
 * year) or with an RFC 3339 time first. The client comes from the same pid's earlier {@code
 * Connection from ADDR:PORT} line. Each upload-pack request is one clone or fetch; other lines
 * (other daemons in the same file, receive-pack, disconnects) are non-request lines.
 */
public final class GitDaemonLogReader implements LogReader {
  static final int MAX_PIDS = 65_536;
  private static final byte[] TAG = Bytes.ascii("git-daemon[");
  private static final byte[] CONNECTION = Bytes.ascii("Connection from ");
  private static final byte[] UPLOAD = Bytes.ascii("Request upload-pack for '");
  private static final byte[] RECEIVE = Bytes.ascii("Request receive-pack for '");

  private final int year;
  private final StampCache stamps;
  // pid -> the connection's client, the offset of its line and its time (see sessionsSince).
  private record Session(byte[] client, long offset, long time) {}

  private final Map<Integer, Session> clients = new HashMap<>();
  private long lineOffset;
  private long newest = Long.MIN_VALUE;
  private byte[] scratch = new byte[512];

  /** Reads BSD syslog times as belonging to the current UTC year. */
  public GitDaemonLogReader() {
    this(java.time.Year.now(java.time.ZoneOffset.UTC).getValue());
  }

  public GitDaemonLogReader(int year) {
    this.year = year;
    this.stamps = new StampCache(15, 13, (b, s, e) -> Bytes.syslogTime(b, s, e, year));
  }

  @Override
  public String name() {
    return "git-daemon";
  }

  @Override
  public LogReader fresh() {
    return new GitDaemonLogReader(year);
  }

  @Override
  public boolean splittable() {
    return false;
  }

  @Override
  public LogRecord.Kind parse(byte[] b, int start, int end, LogRecord rec) {
    rec.reset(b);
    rec.protocol = LogRecord.Protocol.GIT;
    long t;
    int p;
    if (end - start >= 16 && b[start + 15] == ' ' && Bytes.month(b, start) > 0) {
      t = stamps.parse(b, start, start + 15);
      p = start + 16;
    } else {
      int sp = Bytes.indexOf(b, start, end, (byte) ' ');
      t = sp < 0 ? Bytes.BAD : Bytes.isoTime(b, start, sp);
      p = sp + 1;
    }
    if (t == Bytes.BAD) {
      return rec.reject("not a syslog line");
    }
    rec.epochSecond = t;
    newest = Math.max(newest, t);
    int host = Bytes.indexOf(b, p, end, (byte) ' ');
    if (host < 0 || !Bytes.startsWith(b, host + 1, end, TAG)) {
      return rec.nonRequest();
    }
    int ps = host + 1 + TAG.length;
    int pe = Bytes.indexOf(b, ps, end, (byte) ']');
    long pid = pe < 0 ? -1 : Bytes.parseLong(b, ps, pe);
    if (pid < 0 || pid > Integer.MAX_VALUE || pe + 3 > end || b[pe + 1] != ':') {
      return rec.reject("bad git-daemon pid");
    }
    int m = pe + 3;
    Integer key = (int) pid;
    if (Bytes.startsWith(b, m, end, CONNECTION)) {
      int as = m + CONNECTION.length;
      if (as >= end) {
        return rec.nonRequest();
      }
      int colon = Bytes.lastIndexOf(b, as, end, (byte) ':');
      // "[::1]:9418" or "1.2.3.4:9418": drop the port, keep the address only.
      int ae = colon > as ? colon : end;
      if (b[as] == '[' && ae - 1 > as && b[ae - 1] == ']') {
        as++;
        ae--;
      }
      SessionCap.makeRoom(clients, MAX_PIDS, newest, Session::time);
      clients.put(key, new Session(java.util.Arrays.copyOfRange(b, as, ae), lineOffset, t));
      return rec.nonRequest();
    }
    boolean upload = Bytes.startsWith(b, m, end, UPLOAD);
    if (!upload && !Bytes.startsWith(b, m, end, RECEIVE)) {
      return rec.nonRequest();
    }
    int rs = m + (upload ? UPLOAD.length : RECEIVE.length);
    int re = Bytes.indexOf(b, rs, end, (byte) '\'');
    if (re <= rs) {
      return rec.reject("bad git-daemon request");
    }
    Session session = clients.remove(key);
    byte[] client = session == null || session.time < t - SESSION_MAX_AGE ? null : session.client;
    int cl = client == null ? 0 : client.length;
    int need = cl + re - rs;
    if (scratch.length < need) {
      scratch = new byte[need];
    }
    if (client != null) {
      System.arraycopy(client, 0, scratch, 0, cl);
    }
    System.arraycopy(b, rs, scratch, cl, re - rs);
    rec.buf = scratch;
    rec.clientStart = 0;
    rec.clientEnd = cl;
    rec.pathStart = cl;
    rec.pathEnd = need;
    rec.status = 200;
    rec.outgoing = upload;
    return rec.request();
  }

  @Override
  public void offset(long offset) {
    lineOffset = offset;
  }

  @Override
  public long sessionsSince() {
    long min = -1;
    for (Session s : clients.values()) {
      if (s.time >= newest - SESSION_MAX_AGE && (min < 0 || s.offset < min)) {
        min = s.offset;
      }
    }
    return min;
  }
}
