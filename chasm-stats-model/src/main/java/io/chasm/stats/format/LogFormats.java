package io.chasm.stats.format;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of log readers by name, and format detection by sampling lines.
 *
 * <p>Names: {@code common}, {@code combined}, {@code vhost_combined}, {@code json} (aliases {@code
 * nginx-json}, {@code caddy}), {@code xferlog}, {@code vsftpd}, {@code rsyncd}, {@code git-daemon}.
 * Parameterised: {@code logformat:<Apache LogFormat string>}, {@code rsyncd:<rsync log format>},
 * {@code json:field=key.path,...}.
 */
public final class LogFormats {
  private static final Map<String, java.util.function.Supplier<LogReader>> BUILTIN =
      new LinkedHashMap<>();

  static {
    // Detection order: the most specific layout first, so a combined log is not taken for common.
    BUILTIN.put("vhost_combined", ApacheLogFormatReader::vhostCombined);
    BUILTIN.put("combined", ApacheLogFormatReader::combined);
    BUILTIN.put("common", ApacheLogFormatReader::common);
    BUILTIN.put("json", JsonAccessLogReader::new);
    BUILTIN.put("xferlog", XferlogReader::new);
    BUILTIN.put("vsftpd", VsftpdLogReader::new);
    BUILTIN.put("rsyncd", RsyncdLogReader::new);
    BUILTIN.put("git-daemon", GitDaemonLogReader::new);
  }

  private LogFormats() {}

  /** Names of the built-in readers, in detection order. */
  public static List<String> names() {
    return new ArrayList<>(BUILTIN.keySet());
  }

  /**
   * The reader for a name or parameterised spec.
   *
   * @throws IllegalArgumentException for an unknown name or a bad format string
   */
  public static LogReader byName(String spec) {
    int colon = spec.indexOf(':');
    String name = colon < 0 ? spec : spec.substring(0, colon);
    String arg = colon < 0 ? null : spec.substring(colon + 1);
    if (name.equals("nginx-json") || name.equals("caddy")) {
      name = "json";
    }
    if (arg != null) {
      switch (name) {
        case "logformat":
          return new ApacheLogFormatReader("logformat", arg);
        case "rsyncd":
          return new RsyncdLogReader(arg);
        case "json":
          Map<String, String> o = new LinkedHashMap<>();
          for (String kv : arg.split(";")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException("json field override '" + kv
                  + "' is not field=key.path[,key.path]");
            }
            o.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
          }
          return new JsonAccessLogReader("json", o);
        case "git-daemon":
          try {
            return new GitDaemonLogReader(Integer.parseInt(arg));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("git-daemon:<year> expects a year, got '" + arg + "'");
          }
        default:
          throw new IllegalArgumentException("log format '" + name + "' takes no argument");
      }
    }
    java.util.function.Supplier<LogReader> s = BUILTIN.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "unknown log format '" + spec + "' (known: " + String.join(", ", BUILTIN.keySet())
              + ", logformat:<LogFormat>, rsyncd:<log format>, json:<field>=<key>;...)");
    }
    return s.get();
  }

  /**
   * Picks the reader that parses the most sample lines as requests. A reader qualifies when it
   * parses at least one request and rejects at most a quarter of the non-empty lines.
   *
   * @param sample whole lines, without terminators
   * @return the reader, or null when none qualifies
   */
  public static LogReader detect(List<byte[]> sample) {
    LogReader best = null;
    int bestScore = 0;
    LogRecord rec = new LogRecord();
    for (java.util.function.Supplier<LogReader> s : BUILTIN.values()) {
      LogReader r = s.get();
      int requests = 0, rejected = 0, lines = 0;
      for (byte[] line : sample) {
        if (line.length == 0) {
          continue;
        }
        lines++;
        LogRecord.Kind k = r.parse(line, 0, line.length, rec);
        if (k == LogRecord.Kind.REQUEST) {
          requests++;
        } else if (k == LogRecord.Kind.REJECTED) {
          rejected++;
        }
      }
      if (requests > bestScore && rejected * 4 <= lines) {
        best = r.fresh();
        bestScore = requests;
      }
    }
    return best;
  }
}
