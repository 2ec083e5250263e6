package io.chasm.examples.config;

import static io.chasm.examples.config.ValueChecks.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key of the one config file ({@code /etc/chasm/chasm.conf}) that {@code chasmd}, {@code
 * chasm serve} and {@code chasm collector serve} read; each reads its own sections and accepts
 * the others, so one file serves the whole node. docs/config.md is generated from this list
 * ({@code chasm config keys --markdown}) and a test keeps the two equal.
 */
public final class ConfigKeys {
  /** The sections in documentation order, with what reads them. */
  public static final Map<String, String> SECTIONS = sections();

  private static final Map<String, ConfigKey> KEYS = new LinkedHashMap<>();

  static {
    key("tree", "", PATH, "the tree this node serves and writes (chasmd, `chasm serve` when no DIR is given); created (with its parents) if missing, as `chasm sync` does. Required by chasmd");
    key("state", "", PATH, "the tree's state directory: index, object pack, snapshot history, lock, oracle socket; default `$CHASM_STATE_HOME/<name>` (docs/sync.md)");
    key("repository", "", TEXT, "an extra name downstreams may subscribe by; every node answers to `default` and to the origin's name as signed");
    key("run-file", "", PATH, "chasmd writes `pid=`, `oracle=`, `peer=`, `fetcher=`, `metrics=` (bound URIs, real ports) here once every role is up; removed on exit");
    key("log.level", "info", oneOf("trace", "debug", "info", "warn", "error", "off"), "chasmd's log level");

    key("oracle.socket", "", PATH, "the oracle's Unix socket (peer, fetcher and `chasm publish` connect here); default `STATE/oracle.sock`");
    key("oracle.socket-mode", "660", OCTAL_MODE, "permissions of the socket file");
    key("oracle.poll", "2s", DURATION_OR_OFF, "how often the oracle looks for a snapshot recorded without an Announce; only a fallback, `off` for none");
    key("oracle.check-served-chunks", "true", BOOL, "re-hash every chunk read from the live files before sending it; a damaged file is then refused instead of sent");
    key("oracle.auto-publish-quiet", "off", DURATION_OR_OFF, "origins only: publish the tree by itself once it has been unchanged this long after a change (needs `oracle.key`)");
    key("oracle.auto-publish-expires", "7d", DURATION, "validity of auto-published snapshots (as `chasm publish --expires`)");
    key("oracle.watch-tree", "false", BOOL, "origins: keep a journal of the paths that change in the tree (inotify, one watch per directory) so `chasm publish`/`chasm index` stat only those (docs/chasmd.md, \"Publish in O(changes)\")");
    key("oracle.key", "", PATH, "the origin's private key file (`chasm keygen`), for auto-publish and for `chasm publish` through the daemon (`STATE/publish.sock`); must not be readable by group or others (`chasm doctor`)");

    key("peer.listen", "tcp://0.0.0.0:7420", URIS, "chasmd's peer listeners (`tcp://host:port`, `unix:///path`)");
    key("peer.identity", "", PATH, "node private key file proved in the handshake; empty: anonymous");
    key("peer.allow", "", PATHS, "public key files of the only downstreams served; empty: anyone may read");
    key("peer.max-connections", "256", atLeast(1), "connections served at once; when full, one is evicted for a newcomer, the idlest of the address holding most (docs/admission.md)");
    key("peer.max-per-address", "8", atLeast(1), "network connections from one remote address; more are refused at once (this host's 127.0.0.1 and ::1 and Unix sockets are exempt)");
    key("peer.handshake-timeout", "10s", DURATION, "close a connection that has not finished the handshake this long after its connect");
    key("peer.idle-timeout", "5m", DURATION, "close a connection with no request in flight and no subscription for this long");
    key("peer.min-receive-rate", "1024", atLeast(1), "bytes/s: drop a peer whose frame trickles in slower than this, after a 10 s grace (slowloris)");

    key("fetcher.upstream", "", URIS, "upstreams to follow; chunks are spread over all that hold the snapshot");
    key("fetcher.trust", "", PATHS, "the origin's public key file(s); required by the fetcher");
    key("fetcher.threshold", "1", atLeast(1), "signatures required from distinct trusted keys");
    key("fetcher.interval", "5m", DURATION, "sync at least this often, in case a push was missed");
    key("fetcher.advertise", "", URIS, "endpoints announced to the oracle as holders of synced snapshots; default: the bound endpoints of a peer role in the same process, except 0.0.0.0/::");
    key("fetcher.flip", "false", BOOL, "build complete trees and switch a `current` symlink (docs/sync.md)");
    key("fetcher.delete", "false", BOOL, "delete entries of the tree that the snapshot does not have, after the new content is live");
    key("fetcher.safe-links", "false", BOOL, "skip symlinks that are absolute or leave the tree instead of failing the sync");
    key("fetcher.scrub-interval", "off", DURATION_OR_OFF, "rehash every file this often and repair what differs from the snapshot; syncs wait while a scrub runs");
    key("fetcher.scrub-rate", "20", MB_RATE, "the scrub reads at most this many MB/s; `0` for unpaced");

    key("serve.listen", "", URIS, "`chasm serve`'s endpoints (its `--listen`); required by `chasm serve` in the file or on the command line");
    key("serve.upload-limit", "", RATE, "`chasm serve` sends at most this rate of objects and chunks in all (its `--upload-limit`); empty: unlimited");
    key("serve.advertise", "", URIS, "endpoints `chasm serve` lists to peers asking who holds the snapshot (its `--advertise`)");

    key("collector.listen", "127.0.0.1:8470", HOST_PORT, "`chasm collector serve`'s API and website address (its `--listen`)");
    key("collector.db", "", TEXT, "JDBC URL (`jdbc:sqlite:FILE`, `jdbc:postgresql://HOST/DB?user=...`); empty: SQLite in `collector.data`");
    key("collector.data", "chasm-collector-data", PATH, "the collector's data directory (its `--data`)");
    key("collector.privacy-threshold", "5", atLeast(0), "withhold figures with fewer unique downloaders than this");
    key("collector.max-batch-bytes", "8388608", atLeast(1024), "largest accepted submission, bytes");

    key("metrics.listen", "", HOST_PORT, "serve Prometheus `/metrics` and `/health` on this address (each daemon's `--metrics`); empty: off. Daemons sharing a file and a host need `--metrics` to tell them apart");
  }

  private ConfigKeys() {}

  private static Map<String, String> sections() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("", "the node (chasmd; `tree` and `state` also `chasm serve`)");
    s.put("log", "chasmd");
    s.put("oracle", "chasmd's oracle role");
    s.put("peer", "chasmd's peer role; the five admission keys also `chasm serve`, whose flags override them");
    s.put("fetcher", "chasmd's fetcher role");
    s.put("serve", "`chasm serve`");
    s.put("collector", "`chasm collector serve`");
    s.put("metrics", "every daemon");
    return java.util.Collections.unmodifiableMap(s);
  }

  private static void key(String name, String def, ValueCheck check, String meaning) {
    ConfigKey k = new ConfigKey(name, def, meaning, check);
    k.check(def);
    KEYS.put(name, k);
  }

  /** Every key, in documentation order. */
  public static List<ConfigKey> all() {
    return List.copyOf(KEYS.values());
  }

  public static Optional<ConfigKey> find(String name) {
    return Optional.ofNullable(KEYS.get(name));
  }

  /** The known key nearest to {@code name}, if a typo could explain it (edit distance at most 3). */
  public static Optional<String> suggest(String name) {
    List<String> near = new ArrayList<>();
    for (String k : KEYS.keySet()) {
      if (EditDistance.of(name, k) <= Math.min(3, Math.max(1, k.length() / 3))) {
        near.add(k);
      }
    }
    return near.stream().min(Comparator.comparingInt(k -> EditDistance.of(name, k)));
  }
}
