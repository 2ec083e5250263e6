package io.chasm.examples.chasmd;

import java.util.Map;
import java.util.TreeMap;

/** The keys of a {@code chasmd} config file (docs/chasmd.md) and their defaults. */
final class DaemonKeys {
  static final String TREE = "tree";
  static final String STATE = "state";
  static final String REPOSITORY = "repository";
  static final String RUN_FILE = "run-file";
  static final String LOG_LEVEL = "log.level";
  static final String ORACLE_SOCKET = "oracle.socket";
  static final String ORACLE_SOCKET_MODE = "oracle.socket-mode";
  static final String ORACLE_POLL = "oracle.poll";
  static final String ORACLE_CHECK_CHUNKS = "oracle.check-served-chunks";
  static final String ORACLE_AUTO_PUBLISH_QUIET = "oracle.auto-publish-quiet";
  static final String ORACLE_AUTO_PUBLISH_EXPIRES = "oracle.auto-publish-expires";
  static final String ORACLE_KEY = "oracle.key";
  static final String ORACLE_WATCH_TREE = "oracle.watch-tree";
  static final String PEER_LISTEN = "peer.listen";
  static final String PEER_IDENTITY = "peer.identity";
  static final String PEER_ALLOW = "peer.allow";
  static final String FETCHER_UPSTREAM = "fetcher.upstream";
  static final String FETCHER_TRUST = "fetcher.trust";
  static final String FETCHER_THRESHOLD = "fetcher.threshold";
  static final String FETCHER_INTERVAL = "fetcher.interval";
  static final String FETCHER_ADVERTISE = "fetcher.advertise";
  static final String FETCHER_FLIP = "fetcher.flip";
  static final String FETCHER_DELETE = "fetcher.delete";
  static final String FETCHER_SAFE_LINKS = "fetcher.safe-links";
  static final String FETCHER_SCRUB_INTERVAL = "fetcher.scrub-interval";
  static final String FETCHER_SCRUB_RATE = "fetcher.scrub-rate";

  /** Every key with its default ("" = unset). */
  static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> m = new TreeMap<>();
    m.put(TREE, "");
    m.put(STATE, "");
    m.put(REPOSITORY, "");
    m.put(RUN_FILE, "");
    m.put(LOG_LEVEL, "info");
    m.put(ORACLE_SOCKET, "");
    m.put(ORACLE_SOCKET_MODE, "660");
    m.put(ORACLE_POLL, "2s");
    m.put(ORACLE_CHECK_CHUNKS, "true");
    m.put(ORACLE_AUTO_PUBLISH_QUIET, "off");
    m.put(ORACLE_AUTO_PUBLISH_EXPIRES, "7d");
    m.put(ORACLE_KEY, "");
    m.put(ORACLE_WATCH_TREE, "false");
    m.put(PEER_LISTEN, "tcp://0.0.0.0:7420");
    m.put(PEER_IDENTITY, "");
    m.put(PEER_ALLOW, "");
    m.put(FETCHER_UPSTREAM, "");
    m.put(FETCHER_TRUST, "");
    m.put(FETCHER_THRESHOLD, "1");
    m.put(FETCHER_INTERVAL, "5m");
    m.put(FETCHER_ADVERTISE, "");
    m.put(FETCHER_FLIP, "false");
    m.put(FETCHER_DELETE, "false");
    m.put(FETCHER_SAFE_LINKS, "false");
    m.put(FETCHER_SCRUB_INTERVAL, "off");
    m.put(FETCHER_SCRUB_RATE, "20");
    return Map.copyOf(m);
  }

  private DaemonKeys() {}
}
