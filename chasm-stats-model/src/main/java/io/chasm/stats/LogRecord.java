package io.chasm.stats;

/**
 * One parsed log line, as byte ranges into the caller's buffer plus a few numbers. A reader fills
 * the same instance for every line (no allocation per line); the ranges are valid only until the
 * next call and only while the buffer is unchanged.
 */
public final class LogRecord {
  /** What one line turned out to be. */
  public enum Kind {
    /** A request or transfer: the fields below are set. */
    REQUEST,
    /** Text that is not a request (daemon start-up, login, errors): counted, not rejected. */
    NON_REQUEST,
    /** A line the reader could not parse; {@link #reason} says why. */
    REJECTED
  }

  /** Transfer protocol of the request. */
  public enum Protocol {
    HTTP("http"), FTP("ftp"), RSYNC("rsync"), GIT("git");

    private final String label;

    Protocol(String label) {
      this.label = label;
    }

    /** The name used in batches and reports. */
    public String label() {
      return label;
    }
  }

  public Kind kind;
  /** Fixed string (never built from the line) when {@link #kind} is REJECTED. */
  public String reason;

  public byte[] buf;
  public int clientStart, clientEnd;
  public int methodStart, methodEnd;
  /** Request path, possibly with a query string; may lack the leading '/' (rsync). */
  public int pathStart, pathEnd;
  public int agentStart, agentEnd;
  /** Optional module, vhost or repository prefix (rsync module); empty when absent. */
  public int moduleStart, moduleEnd;
  /** HTTP status or an equivalent (200 complete, 206 partial...) for other protocols. */
  public int status;
  /** Response or transfer size in bytes, 0 when the log says "-". */
  public long bytes;
  /** Unix seconds (UTC). */
  public long epochSecond;
  public Protocol protocol;
  /** False for transfers the log marks incomplete (xferlog 'i', FAIL DOWNLOAD). */
  public boolean complete;
  /** False for uploads (xferlog direction 'i', rsync recv, git receive-pack). */
  public boolean outgoing;
  /** True when the line describes a whole session (rsync totals), not a single file. */
  public boolean session;

  /** Clears every field; readers call this first. */
  public void reset(byte[] buffer) {
    kind = Kind.REJECTED;
    reason = null;
    buf = buffer;
    clientStart = clientEnd = methodStart = methodEnd = pathStart = pathEnd = 0;
    agentStart = agentEnd = moduleStart = moduleEnd = 0;
    status = 0;
    bytes = 0;
    epochSecond = 0;
    protocol = Protocol.HTTP;
    complete = true;
    outgoing = true;
    session = false;
  }

  /** Marks the line rejected and returns its kind, for {@code return rec.reject("...")}. */
  public Kind reject(String why) {
    kind = Kind.REJECTED;
    reason = why;
    return kind;
  }

  public Kind nonRequest() {
    kind = Kind.NON_REQUEST;
    return kind;
  }

  public Kind request() {
    kind = Kind.REQUEST;
    return kind;
  }

  public boolean hasMethod(String m) {
    return equalsAscii(methodStart, methodEnd, m);
  }

  private boolean equalsAscii(int s, int e, String m) {
    if (e - s != m.length()) {
      return false;
    }
    for (int i = 0; i < m.length(); i++) {
      if (buf[s + i] != m.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  // Strings for tests and samples only; the scan path never calls these.
  public String client() {
    return str(clientStart, clientEnd);
  }

  public String method() {
    return str(methodStart, methodEnd);
  }

  public String path() {
    return str(pathStart, pathEnd);
  }

  public String agent() {
    return str(agentStart, agentEnd);
  }

  public String module() {
    return str(moduleStart, moduleEnd);
  }

  private String str(int s, int e) {
    return new String(buf, s, e - s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
