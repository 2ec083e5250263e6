package io.chasm.stats.format;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.internal.Bytes;
import io.chasm.stats.internal.StampCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * rsync daemon log ({@code log file}): lines {@code YYYY/MM/DD hh:mm:ss [pid] message}. Transfer
 * lines follow the daemon's {@code log format} (default {@value #DEFAULT_FORMAT}; directives {@code
 * %o %h %a %m %u %f %n %l %b}, others skipped). When per-file logging is off, the session's {@code
 * sent N bytes  received N bytes  total size N} line counts as one transfer of the module named by
 * that pid's earlier {@code rsync on MODULE/...} line; sessions that logged transfers are not
 * counted twice. A pid's session is known only within one stream, so this reader is not split.
 */
public final class RsyncdLogReader implements LogReader {
  public static final String DEFAULT_FORMAT = "%o %h [%a] %m (%u) %f %l";
  static final int MAX_SESSIONS = 65_536;
  private static final byte[] CONNECT = Bytes.ascii("connect from ");
  private static final byte[] RSYNC_ON = Bytes.ascii("rsync on ");
  private static final byte[] RSYNC_TO = Bytes.ascii("rsync to ");
  private static final byte[] SENT = Bytes.ascii("sent ");
  private static final byte[] RECEIVED = Bytes.ascii(" bytes  received ");
  private static final byte[] SEND = Bytes.ascii("send");
  private static final byte[] DEL = Bytes.ascii("del.");

  private enum F { OP, HOST, ADDR, MODULE, FILE, LENGTH, BYTES, SKIP }

  private static final class Session {
    // Offset and time of the session's first line (see sessionsSince).
    long offset, time;
    byte[] client;
    byte[] module;
    boolean transfers;
    boolean upload;
  }

  private final String format;
  private final byte[][] lits;
  private final F[] fields;
  private final boolean hasBytes;
  private final StampCache stamps = new StampCache(19, 17, Bytes::slashTime);
  private final Map<Integer, Session> sessions = new HashMap<>();
  private long lineOffset;
  private long newest = Long.MIN_VALUE;
  private byte[] scratch = new byte[256];

  public RsyncdLogReader() {
    this(DEFAULT_FORMAT);
  }

  public RsyncdLogReader(String format) {
    this.format = format;
    List<byte[]> ls = new ArrayList<>();
    List<F> fs = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 >= format.length()) {
        lit.append(c);
        continue;
      }
      char d = format.charAt(++i);
      while ((d == '\'' || d == '-' || (d >= '0' && d <= '9')) && i + 1 < format.length()) {
        d = format.charAt(++i);
      }
      if (d == '%') {
        lit.append('%');
        continue;
      }
      if (!fs.isEmpty() && lit.length() == 0) {
        throw new IllegalArgumentException(
            "rsync log format '" + format + "' has two fields with nothing between them");
      }
      ls.add(Bytes.ascii(lit.toString()));
      lit.setLength(0);
      fs.add(field(d));
    }
    ls.add(Bytes.ascii(lit.toString()));
    this.lits = ls.toArray(new byte[0][]);
    this.fields = fs.toArray(new F[0]);
    if (!fs.contains(F.FILE) || (!fs.contains(F.LENGTH) && !fs.contains(F.BYTES))) {
      throw new IllegalArgumentException(
          "rsync log format '" + format + "' needs %f (or %n) and %l (or %b)");
    }
    this.hasBytes = fs.contains(F.BYTES);
  }

  private static F field(char d) {
    switch (d) {
      case 'o': return F.OP;
      case 'h': return F.HOST;
      case 'a': return F.ADDR;
      case 'm': return F.MODULE;
      case 'f': case 'n': return F.FILE;
      case 'l': return F.LENGTH;
      case 'b': return F.BYTES;
      default: return F.SKIP;
    }
  }

  @Override
  public String name() {
    return "rsyncd";
  }

  @Override
  public LogReader fresh() {
    return new RsyncdLogReader(format);
  }

  @Override
  public boolean splittable() {
    return false;
  }

  @Override
  public LogRecord.Kind parse(byte[] b, int start, int end, LogRecord rec) {
    rec.reset(b);
    rec.protocol = LogRecord.Protocol.RSYNC;
    if (end - start < 23) {
      return rec.reject("line too short for rsyncd log");
    }
    long t = stamps.parse(b, start, start + 19);
    if (t == Bytes.BAD || b[start + 19] != ' ' || b[start + 20] != '[') {
      return rec.reject("not an rsyncd log line");
    }
    int pe = Bytes.indexOf(b, start + 21, end, (byte) ']');
    long pid = pe < 0 ? -1 : Bytes.parseLong(b, start + 21, pe);
    if (pid < 0 || pid > Integer.MAX_VALUE || pe + 1 >= end || b[pe + 1] != ' ') {
      return rec.reject("not an rsyncd log line");
    }
    rec.epochSecond = t;
    newest = Math.max(newest, t);
    int m = pe + 2;
    Integer key = (int) pid;
    if (transfer(b, m, end, rec)) {
      Session s = session(key, false, t);
      if (s != null) {
        s.transfers = true;
      }
      return rec.request();
    }
    if (Bytes.startsWith(b, m, end, CONNECT)) {
      Session s = session(key, true, t);
      int o = Bytes.lastIndexOf(b, m, end, (byte) '(');
      if (o > 0 && b[end - 1] == ')') {
        s.client = java.util.Arrays.copyOfRange(b, o + 1, end - 1);
      }
      return rec.nonRequest();
    }
    boolean on = Bytes.startsWith(b, m, end, RSYNC_ON);
    if (on || Bytes.startsWith(b, m, end, RSYNC_TO)) {
      Session s = session(key, true, t);
      int ms = m + RSYNC_ON.length;
      int me = ms;
      while (me < end && b[me] != '/' && b[me] != ' ') {
        me++;
      }
      s.module = java.util.Arrays.copyOfRange(b, ms, me);
      s.upload = !on;
      int o = Bytes.lastIndexOf(b, m, end, (byte) '(');
      if (s.client == null && o > 0 && b[end - 1] == ')') {
        s.client = java.util.Arrays.copyOfRange(b, o + 1, end - 1);
      }
      return rec.nonRequest();
    }
    if (Bytes.startsWith(b, m, end, SENT)) {
      return totals(b, m, end, key, rec);
    }
    return rec.nonRequest();
  }

  // A session older than SESSION_MAX_AGE is forgotten, as it would be after a resume.
  private Session session(Integer key, boolean create, long t) {
    Session s = sessions.get(key);
    if (s != null && s.time < t - SESSION_MAX_AGE) {
      sessions.remove(key);
      s = null;
    }
    if (s == null && create) {
      SessionCap.makeRoom(sessions, MAX_SESSIONS, Math.max(newest, t), x -> x.time);
      s = new Session();
      s.offset = lineOffset;
      s.time = t;
      sessions.put(key, s);
    }
    return s;
  }

  @Override
  public void offset(long offset) {
    lineOffset = offset;
  }

  @Override
  public long sessionsSince() {
    long min = -1;
    for (Session s : sessions.values()) {
      if (s.time >= newest - SESSION_MAX_AGE && (min < 0 || s.offset < min)) {
        min = s.offset;
      }
    }
    return min;
  }

  private LogRecord.Kind totals(byte[] b, int m, int end, Integer key, LogRecord rec) {
    int p = m + SENT.length;
    int q = Bytes.indexOf(b, p, end, (byte) ' ');
    long sent = q < 0 ? -1 : Bytes.parseLong(b, p, q);
    if (sent < 0 || !Bytes.startsWith(b, q, end, RECEIVED)) {
      return rec.nonRequest();
    }
    Session s = session(key, false, rec.epochSecond);
    sessions.remove(key);
    if (s == null || s.module == null || s.transfers) {
      return rec.nonRequest();
    }
    byte[] c = s.client == null ? new byte[0] : s.client;
    int need = c.length + s.module.length;
    if (scratch.length < need) {
      scratch = new byte[need];
    }
    System.arraycopy(c, 0, scratch, 0, c.length);
    System.arraycopy(s.module, 0, scratch, c.length, s.module.length);
    long ts = rec.epochSecond;
    rec.reset(scratch);
    rec.protocol = LogRecord.Protocol.RSYNC;
    rec.epochSecond = ts;
    rec.clientStart = 0;
    rec.clientEnd = c.length;
    rec.pathStart = c.length;
    rec.pathEnd = need;
    rec.moduleStart = c.length;
    rec.moduleEnd = need;
    rec.bytes = sent;
    rec.status = 200;
    rec.session = true;
    rec.outgoing = !s.upload;
    return rec.request();
  }

  // True when the message is a transfer line of the configured format; otherwise leaves rec
  // not-rejected (reason null) so other messages can be tried.
  private boolean transfer(byte[] b, int p, int end, LogRecord rec) {
    if (!Bytes.startsWith(b, p, end, lits[0])) {
      return false;
    }
    p += lits[0].length;
    long length = -1, transferred = -1;
    boolean op = false;
    for (int k = 0; k < fields.length; k++) {
      byte[] next = lits[k + 1];
      int fe;
      if (next.length == 0) {
        fe = k + 1 == fields.length ? end : -1;
        if (k + 1 == fields.length) {
          int sp = Bytes.indexOf(b, p, end, (byte) ' ');
          fe = fields[k] == F.FILE || sp < 0 ? end : sp;
        }
      } else if (fields[k] == F.FILE && k + 2 == fields.length && lits[k + 2].length == 0) {
        fe = lastIndexOf(b, p, end, next);
      } else {
        fe = indexOf(b, p, end, next);
      }
      if (fe < 0) {
        return false;
      }
      switch (fields[k]) {
        case OP:
          if (Bytes.startsWith(b, p, fe, DEL)) {
            return false;
          }
          op = true;
          rec.outgoing = fe - p == 4 && Bytes.startsWith(b, p, fe, SEND);
          break;
        case ADDR:
          rec.clientStart = p;
          rec.clientEnd = fe;
          break;
        case HOST:
          if (rec.clientEnd == rec.clientStart) {
            rec.clientStart = p;
            rec.clientEnd = fe;
          }
          break;
        case MODULE:
          rec.moduleStart = p;
          rec.moduleEnd = fe;
          break;
        case FILE:
          rec.pathStart = p;
          rec.pathEnd = fe;
          break;
        case LENGTH:
          length = Bytes.parseLong(b, p, fe);
          if (length < 0) {
            return false;
          }
          break;
        case BYTES:
          transferred = Bytes.parseLong(b, p, fe);
          if (transferred < 0) {
            return false;
          }
          break;
        default:
          break;
      }
      p = fe + next.length;
    }
    if (p < end && b[p] != ' ' || rec.pathEnd <= rec.pathStart) {
      return false;
    }
    if (!op) {
      rec.outgoing = true;
    }
    rec.bytes = hasBytes ? transferred : length;
    rec.status = 200;
    return true;
  }

  private static int indexOf(byte[] b, int p, int end, byte[] lit) {
    for (int i = Bytes.indexOf(b, p, end, lit[0]); i >= 0; i = Bytes.indexOf(b, i + 1, end, lit[0])) {
      if (Bytes.startsWith(b, i, end, lit)) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] b, int p, int end, byte[] lit) {
    for (int i = end - lit.length; i >= p; i--) {
      if (b[i] == lit[0] && Bytes.startsWith(b, i, end, lit)) {
        return i;
      }
    }
    return -1;
  }
}
