package io.chasm.examples.chasmd;

import static io.chasm.examples.chasmd.DaemonKeys.*;

import io.chasm.examples.common.Durations;
import io.chasm.hashtree.index.StateLocation;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings of a {@code chasmd} process: a Java properties file ({@code key = value}, {@code #}
 * comments; see {@code examples/chasmd.example.conf} and {@code docs/chasmd.md}) overlaid by
 * command-line flags. Unknown keys are an error, so a typo never silently falls back to a default.
 */
final class DaemonConfig {

  private final Map<String, String> values;

  private DaemonConfig(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Reads {@code file} (may be null) and applies {@code overrides} on top.
   *
   * @throws IllegalArgumentException for an unknown key or a value that does not parse
   */
  static DaemonConfig load(Path file, Map<String, String> overrides) throws IOException {
    Map<String, String> v = new TreeMap<>(DEFAULTS);
    if (file != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      for (String k : p.stringPropertyNames()) {
        put(v, k, p.getProperty(k), file.toString());
      }
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      put(v, e.getKey(), e.getValue(), "command line");
    }
    DaemonConfig c = new DaemonConfig(v);
    c.validate();
    return c;
  }

  private static void put(Map<String, String> v, String key, String value, String where) {
    if (!DEFAULTS.containsKey(key)) {
      throw new IllegalArgumentException(where + ": unknown setting '" + key + "' (known: " + String.join(", ", DEFAULTS.keySet()) + ")");
    }
    v.put(key, value.trim());
  }

  private void validate() {
    oraclePoll();
    duration(FETCHER_INTERVAL);
    bool(ORACLE_CHECK_CHUNKS);
    bool(ORACLE_WATCH_TREE);
    duration(ORACLE_AUTO_PUBLISH_EXPIRES);
    if (autoPublishQuiet() != null && !isSet(ORACLE_KEY)) {
      throw new IllegalArgumentException(ORACLE_AUTO_PUBLISH_QUIET + " needs " + ORACLE_KEY + " (the origin's private key file)");
    }
    bool(FETCHER_FLIP);
    uris(PEER_LISTEN);
    uris(FETCHER_UPSTREAM);
    scrubInterval();
    scrubRate();
    if (threshold() < 1) {
      throw new IllegalArgumentException(FETCHER_THRESHOLD + " must be at least 1");
    }
    if (!Set.of("trace", "debug", "info", "warn", "error", "off").contains(logLevel())) {
      throw new IllegalArgumentException(LOG_LEVEL + " must be one of trace, debug, info, warn, error, off");
    }
  }

  String get(String key) {
    return values.get(key);
  }

  boolean isSet(String key) {
    return !values.get(key).isEmpty();
  }

  /** The tree this node serves or writes. */
  Path tree() {
    if (!isSet(TREE)) {
      throw new IllegalArgumentException("no tree: set 'tree' in the config file or pass --tree DIR");
    }
    return Path.of(get(TREE)).toAbsolutePath().normalize();
  }

  /** The {@code state} setting, or null for the default ({@link StateLocation#of}). */
  Path stateSetting() {
    return isSet(STATE) ? Path.of(get(STATE)).toAbsolutePath().normalize() : null;
  }

  /** The tree's state directory: {@code state}, else {@link StateLocation#of}{@code (tree)}. */
  Path stateDirectory() {
    return StateLocation.resolve(tree(), stateSetting());
  }

  /** The oracle's Unix socket: {@code oracle.socket}, else {@code oracle.sock} in the state directory. */
  URI oracleSocket() {
    Path p = isSet(ORACLE_SOCKET) ? Path.of(get(ORACLE_SOCKET)) : stateDirectory().resolve("oracle.sock");
    return URI.create("unix://" + p.toAbsolutePath().normalize());
  }

  String logLevel() {
    return get(LOG_LEVEL).toLowerCase(Locale.ROOT);
  }

  int threshold() {
    try {
      return Integer.parseInt(get(FETCHER_THRESHOLD));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(FETCHER_THRESHOLD + " must be a number, got '" + get(FETCHER_THRESHOLD) + "'");
    }
  }

  /**
   * How often the oracle looks for a snapshot recorded without an Announce, or null ({@code off}):
   * only a fallback, since publish and the fetcher announce.
   */
  Duration oraclePoll() {
    return get(ORACLE_POLL).equalsIgnoreCase("off") ? null : duration(ORACLE_POLL);
  }

  /** Time between scrubs, or null for none ({@code off}). */
  Duration scrubInterval() {
    return get(FETCHER_SCRUB_INTERVAL).equalsIgnoreCase("off") ? null : duration(FETCHER_SCRUB_INTERVAL);
  }

  /** The scrub's read rate in bytes per second ({@code fetcher.scrub-rate} is in MB/s, 0 for unpaced). */
  long scrubRate() {
    String v = get(FETCHER_SCRUB_RATE);
    if (!v.matches("\\d{1,6}(\\.\\d+)?")) {
      throw new IllegalArgumentException(FETCHER_SCRUB_RATE + " must be MB/s like 20 or 0.5 (0: unpaced), got '" + v + "'");
    }
    return (long) (Double.parseDouble(v) * 1_000_000);
  }

  List<URI> uris(String key) {
    List<URI> out = new ArrayList<>();
    for (String s : list(key)) {
      URI u;
      try {
        u = URI.create(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ": not a URI: '" + s + "'");
      }
      if (u.getScheme() == null || u.isOpaque()) {
        throw new IllegalArgumentException(key + ": '" + s + "' has no scheme (tcp://host:port or unix:///path)");
      }
      out.add(u);
    }
    return out;
  }

  List<Path> paths(String key) {
    return list(key).stream().map(Path::of).toList();
  }

  List<String> list(String key) {
    List<String> out = new ArrayList<>();
    for (String s : get(key).split("[,\\s]+")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  boolean bool(String key) {
    String s = get(key).toLowerCase(Locale.ROOT);
    return switch (s) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false, got '" + get(key) + "'");
    };
  }

  /** The quiet time after which the oracle publishes a changed tree itself, or null when off. */
  Duration autoPublishQuiet() {
    String v = get(ORACLE_AUTO_PUBLISH_QUIET);
    return v.isEmpty() || v.equalsIgnoreCase("off") ? null : duration(ORACLE_AUTO_PUBLISH_QUIET);
  }

  Duration duration(String key) {
    return parseDuration(key, get(key));
  }

  /** See {@link Durations}. */
  static Duration parseDuration(String key, String value) {
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (Durations.FormatException e) {
      throw new IllegalArgumentException(key + " must be a duration like 500ms, 2s, 5m, 1h; got '" + value + "'");
    }
    return positive(key, value, d);
  }

  private static Duration positive(String key, String value, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, got '" + value + "'");
    }
    return d;
  }
}
