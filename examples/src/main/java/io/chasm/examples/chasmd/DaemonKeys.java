package io.chasm.examples.chasmd;

/** The names of the keys chasmd reads; defaults, checks and meanings: {@link io.chasm.examples.config.ConfigKeys}. */
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

  static final String METRICS_LISTEN = "metrics.listen";

  private DaemonKeys() {}
}
