package io.chasm.examples.chasmd;

import static io.chasm.examples.chasmd.DaemonKeys.*;

import io.chasm.examples.config.ConfigException;
import io.chasm.examples.config.Settings;
import io.chasm.examples.config.ValueChecks;
import io.chasm.hashtree.index.StateLocation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of a {@code chasmd} process: the node's config file (docs/config.md; {@code
 * examples/chasmd.example.conf}) overlaid by command-line flags, read through {@link Settings},
 * so unknown keys and bad values are refused at start naming FILE:LINE, and a typo never silently
 * falls back to a default. Keys of other daemons' sections (serve, collector) are accepted and
 * ignored: one file serves the whole node.
 */
final class DaemonConfig {

  private final Settings settings;

  private DaemonConfig(Settings settings) {
    this.settings = settings;
  }

  /**
   * Reads {@code file} (may be null) and applies {@code overrides} on top.
   *
   * @throws ConfigException for an unknown key, a value that does not parse, or keys that do not go together
   */
  static DaemonConfig load(Path file, Map<String, String> overrides) throws IOException {
    DaemonConfig c = new DaemonConfig(Settings.load(file, overrides));
    c.validate();
    return c;
  }

  private void validate() {
    if (autoPublishQuiet() != null && !isSet(ORACLE_KEY)) {
      throw settings.error(ORACLE_AUTO_PUBLISH_QUIET, ORACLE_AUTO_PUBLISH_QUIET + " needs " + ORACLE_KEY + " (the origin's private key file)");
    }
  }

  Settings settings() {
    return settings;
  }

  String get(String key) {
    return settings.get(key);
  }

  boolean isSet(String key) {
    return settings.isSet(key);
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
    return Integer.parseInt(get(FETCHER_THRESHOLD));
  }

  /**
   * How often the oracle looks for a snapshot recorded without an Announce, or null ({@code off}):
   * only a fallback, since publish and the fetcher announce.
   */
  Duration oraclePoll() {
    return offOrDuration(ORACLE_POLL);
  }

  /** Time between scrubs, or null for none ({@code off}). */
  Duration scrubInterval() {
    return offOrDuration(FETCHER_SCRUB_INTERVAL);
  }

  /** The scrub's read rate in bytes per second ({@code fetcher.scrub-rate} is in MB/s, 0 for unpaced). */
  long scrubRate() {
    return (long) (Double.parseDouble(get(FETCHER_SCRUB_RATE)) * 1_000_000);
  }

  List<URI> uris(String key) {
    return ValueChecks.uris(key, get(key));
  }

  List<Path> paths(String key) {
    return list(key).stream().map(Path::of).toList();
  }

  List<String> list(String key) {
    return ValueChecks.list(get(key));
  }

  boolean bool(String key) {
    return ValueChecks.bool(key, get(key));
  }

  /** The quiet time after which the oracle publishes a changed tree itself, or null when off. */
  Duration autoPublishQuiet() {
    return offOrDuration(ORACLE_AUTO_PUBLISH_QUIET);
  }

  Duration duration(String key) {
    return ValueChecks.duration(key, get(key));
  }

  private Duration offOrDuration(String key) {
    String v = get(key);
    return v.isEmpty() || v.equalsIgnoreCase("off") ? null : duration(key);
  }
}
