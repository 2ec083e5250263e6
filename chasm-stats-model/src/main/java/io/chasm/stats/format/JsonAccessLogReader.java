package io.chasm.stats.format;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.internal.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON access logs, one object per line, scanned in place (a small byte-level JSON walker, no
 * object tree). Each record field is looked up by a list of dotted key paths; the first present
 * wins. The defaults cover nginx JSON {@code log_format}s and Caddy's default access log: see
 * {@link #DEFAULT_FIELDS}. An array value contributes its first element (Caddy's header arrays).
 */
public final class JsonAccessLogReader implements LogReader {
  /** Record field → comma-separated dotted key paths, nginx first, then Caddy. */
  public static final Map<String, String> DEFAULT_FIELDS;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("client", "remote_addr,request.client_ip,request.remote_ip,client_ip,remote_ip");
    m.put("time", "time_iso8601,time_local,timestamp,time,ts");
    m.put("request", "request");
    m.put("method", "request_method,method,request.method");
    m.put("path", "request_uri,uri,request.uri,path");
    m.put("status", "status");
    m.put("bytes", "body_bytes_sent,bytes_sent,size,bytes");
    m.put("agent", "http_user_agent,user_agent,request.headers.User-Agent");
    m.put("vhost", "host,server_name,request.host");
    DEFAULT_FIELDS = java.util.Collections.unmodifiableMap(m);
  }

  private static final int CLIENT = 0, TIME = 1, REQUEST = 2, METHOD = 3, PATH = 4, STATUS = 5,
      BYTES = 6, AGENT = 7, VHOST = 8, NFIELDS = 9;
  private static final String[] NAMES =
      {"client", "time", "request", "method", "path", "status", "bytes", "agent", "vhost"};
  private static final int MAX_DEPTH = 8;

  private final String name;
  private final Map<String, String> config;
  // paths[field][alternative][segment]
  private final byte[][][][] paths;
  private final int[] keyS = new int[MAX_DEPTH];
  private final int[] keyE = new int[MAX_DEPTH];
  // Per line: value range, whether the value was a string, which alternative matched.
  private final int[] valS = new int[NFIELDS];
  private final int[] valE = new int[NFIELDS];
  private final boolean[] valStr = new boolean[NFIELDS];
  private final int[] valAlt = new int[NFIELDS];
  private byte[] b;
  private int pos;
  private int end;

  public JsonAccessLogReader() {
    this("json", Map.of());
  }

  /**
   * @param overrides field name ({@code client, time, request, method, path, status, bytes, agent,
   *     vhost}) → comma-separated dotted key paths, replacing the default for that field
   */
  public JsonAccessLogReader(String name, Map<String, String> overrides) {
    this.name = name;
    Map<String, String> c = new LinkedHashMap<>(DEFAULT_FIELDS);
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (!c.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown JSON log field '" + e.getKey()
            + "' (known: " + String.join(", ", DEFAULT_FIELDS.keySet()) + ")");
      }
      c.put(e.getKey(), e.getValue());
    }
    this.config = c;
    paths = new byte[NFIELDS][][][];
    for (int f = 0; f < NFIELDS; f++) {
      List<byte[][]> alts = new ArrayList<>();
      for (String alt : c.get(NAMES[f]).split(",")) {
        if (alt.isBlank()) {
          continue;
        }
        String[] segs = alt.trim().split("\\.");
        byte[][] bs = new byte[segs.length][];
        for (int i = 0; i < segs.length; i++) {
          bs[i] = segs[i].getBytes(StandardCharsets.UTF_8);
        }
        alts.add(bs);
      }
      paths[f] = alts.toArray(new byte[0][][]);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public LogReader fresh() {
    Map<String, String> o = new LinkedHashMap<>(config);
    return new JsonAccessLogReader(name, o);
  }

  @Override
  public LogRecord.Kind parse(byte[] buf, int start, int stop, LogRecord rec) {
    rec.reset(buf);
    rec.protocol = LogRecord.Protocol.HTTP;
    b = buf;
    pos = start;
    end = stop;
    Arrays.fill(valS, -1);
    Arrays.fill(valAlt, Integer.MAX_VALUE);
    skipWs();
    if (pos >= end || b[pos] != '{') {
      return rec.reject("not a JSON object");
    }
    if (!object(0)) {
      return rec.reject("malformed JSON");
    }
    skipWs();
    if (pos != end) {
      return rec.reject("malformed JSON");
    }
    return fill(rec);
  }

  private LogRecord.Kind fill(LogRecord rec) {
    if (valS[TIME] < 0 || valS[STATUS] < 0 || (valS[PATH] < 0 && valS[REQUEST] < 0)) {
      return rec.nonRequest();
    }
    long t = valStr[TIME] ? stringTime(valS[TIME], valE[TIME]) : numberTime(valS[TIME], valE[TIME]);
    if (t == Bytes.BAD) {
      return rec.reject("bad timestamp");
    }
    rec.epochSecond = t;
    long st = Bytes.parseLong(b, valS[STATUS], valE[STATUS]);
    if (st < 100 || st > 599) {
      return rec.reject("bad status");
    }
    rec.status = (int) st;
    if (valS[BYTES] >= 0) {
      long n = Bytes.parseSize(b, valS[BYTES], valE[BYTES]);
      if (n < 0) {
        return rec.reject("bad size");
      }
      rec.bytes = n;
    }
    if (valS[CLIENT] >= 0) {
      rec.clientStart = valS[CLIENT];
      rec.clientEnd = valE[CLIENT];
    }
    if (valS[AGENT] >= 0) {
      rec.agentStart = valS[AGENT];
      rec.agentEnd = valE[AGENT];
    }
    if (valS[VHOST] >= 0) {
      rec.moduleStart = valS[VHOST];
      rec.moduleEnd = valE[VHOST];
    }
    if (valS[PATH] >= 0 && valE[PATH] > valS[PATH] && b[valS[PATH]] == '/') {
      rec.pathStart = valS[PATH];
      rec.pathEnd = valE[PATH];
    }
    if (valS[METHOD] >= 0) {
      rec.methodStart = valS[METHOD];
      rec.methodEnd = valE[METHOD];
    }
    if (valS[REQUEST] >= 0 && (rec.pathEnd == 0 || rec.methodEnd == 0)) {
      int s = valS[REQUEST], e = valE[REQUEST];
      int sp1 = Bytes.indexOf(b, s, e, (byte) ' ');
      if (sp1 > s) {
        int sp2 = Bytes.lastIndexOf(b, sp1 + 1, e, (byte) ' ');
        int pe = sp2 > sp1 ? sp2 : e;
        rec.methodStart = s;
        rec.methodEnd = sp1;
        if (pe > sp1 + 1 && b[sp1 + 1] == '/') {
          rec.pathStart = sp1 + 1;
          rec.pathEnd = pe;
        }
      }
    }
    return rec.request();
  }

  private long stringTime(int s, int e) {
    if (e - s == 26) {
      return Bytes.apacheTime(b, s, e);
    }
    return Bytes.isoTime(b, s, e);
  }

  // Caddy: float Unix seconds ("1732406400.123"); milliseconds when 13+ integer digits.
  private long numberTime(int s, int e) {
    int dot = Bytes.indexOf(b, s, e, (byte) '.');
    int ie = dot < 0 ? e : dot;
    long v = Bytes.parseLong(b, s, ie);
    if (v < 0) {
      return Bytes.BAD;
    }
    return ie - s >= 13 ? v / 1000 : v;
  }

  private void skipWs() {
    while (pos < end && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\r')) {
      pos++;
    }
  }

  private boolean object(int depth) {
    pos++; // '{'
    skipWs();
    if (pos < end && b[pos] == '}') {
      pos++;
      return true;
    }
    while (true) {
      skipWs();
      if (pos >= end || b[pos] != '"') {
        return false;
      }
      int ks = pos + 1;
      if (!string()) {
        return false;
      }
      if (depth < MAX_DEPTH) {
        keyS[depth] = ks;
        keyE[depth] = pos - 1;
      }
      skipWs();
      if (pos >= end || b[pos] != ':') {
        return false;
      }
      pos++;
      skipWs();
      if (!value(depth + 1, false)) {
        return false;
      }
      skipWs();
      if (pos >= end) {
        return false;
      }
      if (b[pos] == ',') {
        pos++;
      } else if (b[pos] == '}') {
        pos++;
        return true;
      } else {
        return false;
      }
    }
  }

  private boolean array(int depth) {
    pos++; // '['
    skipWs();
    if (pos < end && b[pos] == ']') {
      pos++;
      return true;
    }
    boolean first = true;
    while (true) {
      skipWs();
      if (!value(depth, !first)) {
        return false;
      }
      first = false;
      skipWs();
      if (pos >= end) {
        return false;
      }
      if (b[pos] == ',') {
        pos++;
      } else if (b[pos] == ']') {
        pos++;
        return true;
      } else {
        return false;
      }
    }
  }

  // depth = number of keys on the path to this value; ignore = not the first array element.
  private boolean value(int depth, boolean ignore) {
    if (pos >= end) {
      return false;
    }
    if (depth > MAX_DEPTH) {
      return false;
    }
    byte c = b[pos];
    if (c == '{') {
      return object(depth);
    }
    if (c == '[') {
      return array(depth);
    }
    int s, e;
    boolean str = c == '"';
    if (str) {
      s = pos + 1;
      if (!string()) {
        return false;
      }
      e = pos - 1;
    } else {
      s = pos;
      while (pos < end && b[pos] != ',' && b[pos] != '}' && b[pos] != ']' && b[pos] != ' ') {
        byte x = b[pos];
        if (!((x >= '0' && x <= '9') || x == '-' || x == '+' || x == '.' || x == 'e' || x == 'E'
            || (x >= 'a' && x <= 'z'))) {
          return false;
        }
        pos++;
      }
      e = pos;
      if (s == e) {
        return false;
      }
    }
    if (!ignore) {
      match(depth, s, e, str);
    }
    return true;
  }

  private boolean string() {
    pos++; // opening quote
    while (pos < end) {
      byte x = b[pos];
      if (x == '\\') {
        pos += 2;
      } else if (x == '"') {
        pos++;
        return true;
      } else if (x >= 0 && x < 0x20) {
        return false;
      } else {
        pos++;
      }
    }
    return false;
  }

  private void match(int depth, int s, int e, boolean str) {
    for (int f = 0; f < NFIELDS; f++) {
      byte[][][] alts = paths[f];
      for (int a = 0; a < alts.length && a < valAlt[f]; a++) {
        byte[][] segs = alts[a];
        if (segs.length != depth) {
          continue;
        }
        boolean ok = true;
        for (int d = 0; ok && d < depth; d++) {
          ok = equal(keyS[d], keyE[d], segs[d]);
        }
        if (ok) {
          valS[f] = s;
          valE[f] = e;
          valStr[f] = str;
          valAlt[f] = a;
          break;
        }
      }
    }
  }

  private boolean equal(int s, int e, byte[] k) {
    if (e - s != k.length) {
      return false;
    }
    for (int i = 0; i < k.length; i++) {
      if (b[s + i] != k[i]) {
        return false;
      }
    }
    return true;
  }
}
