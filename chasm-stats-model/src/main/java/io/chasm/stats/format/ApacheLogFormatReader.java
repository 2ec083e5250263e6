package io.chasm.stats.format;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.internal.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * Apache {@code LogFormat} / nginx {@code log_format} lines, compiled from a format string into a
 * list of literals and fields. Supported directives: {@code %h %a %l %u %t %r %>s %s %b %O %B
 * %{Referer}i %{User-Agent}i %v %V %p %D %T %m %U %q %H %I}; any other {@code %{...}x} is skipped.
 * A field ends where the literal after it begins; a quoted field honours backslash escapes.
 * Text after the last literal is accepted when it starts with a space (nginx's container image and
 * many sites append fields to combined).
 */
public final class ApacheLogFormatReader implements LogReader {
  public static final String COMMON = "%h %l %u %t \"%r\" %>s %b";
  public static final String COMBINED = COMMON + " \"%{Referer}i\" \"%{User-Agent}i\"";
  public static final String VHOST_COMBINED =
      "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"";

  private enum Field { CLIENT, SKIP, TIME, REQUEST, STATUS, SIZE, SENT, AGENT, VHOST, METHOD, PATH }

  private static final class Token {
    final byte[] literal;
    final Field field;

    Token(byte[] literal, Field field) {
      this.literal = literal;
      this.field = field;
    }
  }

  private final String name;
  private final String format;
  private final Token[] tokens;
  private final boolean hasSize;
  // One-entry cache: consecutive lines usually share their timestamp.
  private final byte[] lastTime = new byte[26];
  private long lastEpoch = Bytes.BAD;

  public ApacheLogFormatReader(String name, String format) {
    this.name = name;
    this.format = format;
    List<Token> list = compile(format);
    this.tokens = list.toArray(new Token[0]);
    boolean size = false, time = false, req = false, status = false;
    for (Token t : tokens) {
      size |= t.field == Field.SIZE;
      time |= t.field == Field.TIME;
      req |= t.field == Field.REQUEST || t.field == Field.PATH;
      status |= t.field == Field.STATUS;
    }
    if (!time || !req || !status) {
      throw new IllegalArgumentException(
          "log format '" + format + "' needs %t, %r (or %U) and %s (or %>s)");
    }
    this.hasSize = size;
  }

  public static ApacheLogFormatReader common() {
    return new ApacheLogFormatReader("common", COMMON);
  }

  public static ApacheLogFormatReader combined() {
    return new ApacheLogFormatReader("combined", COMBINED);
  }

  public static ApacheLogFormatReader vhostCombined() {
    return new ApacheLogFormatReader("vhost_combined", VHOST_COMBINED);
  }

  public String format() {
    return format;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public LogReader fresh() {
    return new ApacheLogFormatReader(name, format);
  }

  private static List<Token> compile(String f) {
    List<Token> out = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    int i = 0;
    while (i < f.length()) {
      char c = f.charAt(i);
      if (c != '%') {
        lit.append(c);
        i++;
        continue;
      }
      if (i + 1 < f.length() && f.charAt(i + 1) == '%') {
        lit.append('%');
        i += 2;
        continue;
      }
      int j = i + 1;
      String arg = null;
      while (j < f.length() && (f.charAt(j) == '>' || f.charAt(j) == '<')) {
        j++;
      }
      if (j < f.length() && f.charAt(j) == '{') {
        int close = f.indexOf('}', j);
        if (close < 0) {
          throw new IllegalArgumentException("unclosed %{ in log format '" + f + "'");
        }
        arg = f.substring(j + 1, close);
        j = close + 1;
      }
      if (j >= f.length()) {
        throw new IllegalArgumentException("dangling % in log format '" + f + "'");
      }
      char d = f.charAt(j);
      Field field = field(d, arg);
      if (lit.length() > 0) {
        out.add(new Token(Bytes.ascii(lit.toString()), null));
        lit.setLength(0);
      } else if (!out.isEmpty() && out.get(out.size() - 1).field != null) {
        Token prev = out.get(out.size() - 1);
        // %U%q is one path-with-query field; any other adjacent pair cannot be split.
        if (prev.field == Field.PATH && d == 'q') {
          i = j + 1;
          continue;
        }
        throw new IllegalArgumentException(
            "log format '" + f + "' has two fields with nothing between them");
      }
      out.add(new Token(null, field));
      i = j + 1;
    }
    if (lit.length() > 0) {
      out.add(new Token(Bytes.ascii(lit.toString()), null));
    }
    return out;
  }

  private static Field field(char d, String arg) {
    switch (d) {
      case 'h': case 'a': return Field.CLIENT;
      case 't': return arg == null ? Field.TIME : Field.SKIP;
      case 'r': return Field.REQUEST;
      case 's': return Field.STATUS;
      case 'b': case 'B': return Field.SIZE;
      case 'O': return Field.SENT;
      case 'v': case 'V': return Field.VHOST;
      case 'm': return Field.METHOD;
      case 'U': return Field.PATH;
      case 'i':
        return arg != null && arg.equalsIgnoreCase("User-Agent") ? Field.AGENT : Field.SKIP;
      default: return Field.SKIP;
    }
  }

  @Override
  public LogRecord.Kind parse(byte[] b, int start, int end, LogRecord rec) {
    rec.reset(b);
    rec.protocol = LogRecord.Protocol.HTTP;
    rec.bytes = -1;
    int p = start;
    Token[] ts = tokens;
    for (int k = 0; k < ts.length; k++) {
      Token t = ts[k];
      if (t.literal != null) {
        if (!Bytes.startsWith(b, p, end, t.literal)) {
          return rec.reject("line does not match the log format");
        }
        p += t.literal.length;
        continue;
      }
      int fe;
      if (t.field == Field.TIME && p < end && b[p] == '[') {
        // %t is "[17/May/2015:10:05:03 +0000]": it contains a space, so it ends at its bracket.
        fe = Bytes.indexOf(b, p, end, (byte) ']');
        fe = fe < 0 ? -1 : fe + 1;
      } else {
        fe = k + 1 < ts.length ? delimiter(b, p, end, ts[k + 1].literal, k + 2 == ts.length)
            : fieldEnd(b, p, end);
      }
      if (fe < 0) {
        return rec.reject("line does not match the log format");
      }
      if (!apply(t.field, b, p, fe, rec)) {
        return rec.kind;
      }
      p = fe;
    }
    if (p != end && b[p] != ' ') {
      return rec.reject("line does not match the log format");
    }
    if (rec.bytes < 0) {
      rec.bytes = 0;
    }
    return rec.request();
  }

  private static int fieldEnd(byte[] b, int p, int end) {
    int sp = Bytes.indexOf(b, p, end, (byte) ' ');
    return sp < 0 ? end : sp;
  }

  // The closing literal of the line's last field must be followed by the end or a space (extra
  // trailing fields), so a stray quote inside a user agent does not end it early.
  private static int delimiter(byte[] b, int p, int end, byte[] lit, boolean last) {
    byte c = lit[0];
    boolean quoted = c == '"';
    int i = p;
    while (i < end) {
      int j = quoted ? Bytes.indexOfEither(b, i, end, (byte) '\\', c) : Bytes.indexOf(b, i, end, c);
      if (j < 0) {
        return -1;
      }
      if (quoted && b[j] == '\\') {
        i = j + 2;
        continue;
      }
      if (Bytes.startsWith(b, j, end, lit)) {
        int after = j + lit.length;
        if (!last || after == end || b[after] == ' ') {
          return j;
        }
      }
      i = j + 1;
    }
    return -1;
  }

  private boolean apply(Field f, byte[] b, int s, int e, LogRecord rec) {
    switch (f) {
      case CLIENT:
        if (s == e) {
          rec.reject("empty client field");
          return false;
        }
        rec.clientStart = s;
        rec.clientEnd = e;
        return true;
      case TIME:
        long t = time(b, s, e);
        if (t == Bytes.BAD) {
          rec.reject("bad timestamp");
          return false;
        }
        rec.epochSecond = t;
        return true;
      case REQUEST:
        return request(b, s, e, rec);
      case STATUS:
        long st = Bytes.parseLong(b, s, e);
        if (e - s != 3 || st < 100 || st > 599) {
          rec.reject("bad status");
          return false;
        }
        rec.status = (int) st;
        return true;
      case SIZE:
      case SENT:
        if (f == Field.SENT && hasSize) {
          return true;
        }
        long n = Bytes.parseSize(b, s, e);
        if (n < 0) {
          rec.reject("bad size");
          return false;
        }
        rec.bytes = n;
        return true;
      case AGENT:
        rec.agentStart = s;
        rec.agentEnd = e;
        return true;
      case VHOST:
        rec.moduleStart = s;
        rec.moduleEnd = e;
        return true;
      case METHOD:
        rec.methodStart = s;
        rec.methodEnd = e;
        return true;
      case PATH:
        rec.pathStart = s;
        rec.pathEnd = e;
        return true;
      default:
        return true;
    }
  }

  private long time(byte[] b, int s, int e) {
    if (e - s == 28 && b[s] == '[' && b[e - 1] == ']') {
      s++;
      e--;
    }
    if (e - s != 26) {
      return Bytes.BAD;
    }
    byte[] last = lastTime;
    boolean same = lastEpoch != Bytes.BAD;
    for (int i = 25; same && i >= 0; i--) {
      same = last[i] == b[s + i];
    }
    if (same) {
      return lastEpoch;
    }
    long t = Bytes.apacheTime(b, s, e);
    if (t != Bytes.BAD) {
      System.arraycopy(b, s, last, 0, 26);
    }
    lastEpoch = t;
    return t;
  }

  // "GET /path HTTP/1.1": a request line the server could not parse ("-", TLS junk) leaves the
  // path empty; the line is still a request (it has a status and a size) but names no artifact.
  private static boolean request(byte[] b, int s, int e, LogRecord rec) {
    int sp1 = Bytes.indexOf(b, s, e, (byte) ' ');
    if (sp1 <= s) {
      return true;
    }
    int sp2 = Bytes.lastIndexOf(b, sp1 + 1, e, (byte) ' ');
    int pathEnd = sp2 > sp1 ? sp2 : e;
    rec.methodStart = s;
    rec.methodEnd = sp1;
    if (pathEnd > sp1 + 1 && b[sp1 + 1] == '/') {
      rec.pathStart = sp1 + 1;
      rec.pathEnd = pathEnd;
    }
    return true;
  }
}
