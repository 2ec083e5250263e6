package io.chasm.collector;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run a collector.
 *
 * @param jdbcUrl database; empty means an SQLite file {@code collector.db} in {@code dataDir}
 * @param host address to listen on (loopback by default)
 * @param port TCP port; 0 picks a free one
 * @param dataDir where the default SQLite database lives
 * @param privacyThreshold figures with fewer unique downloaders are withheld from pages and API
 * @param maxBatchBytes larger submissions are refused with 413
 */
public record CollectorConfig(
    Optional<String> jdbcUrl, String host, int port, Path dataDir, int privacyThreshold, int maxBatchBytes) {
  public static final int DEFAULT_PRIVACY_THRESHOLD = 5;
  public static final int DEFAULT_PORT = 8470;
  public static final int DEFAULT_MAX_BATCH_BYTES = 8 << 20;

  public CollectorConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535");
    }
    if (privacyThreshold < 0) {
      throw new IllegalArgumentException("privacy threshold must be >= 0");
    }
    if (maxBatchBytes < 1024) {
      throw new IllegalArgumentException("max batch size must be at least 1024 bytes");
    }
  }

  /** Loopback, default port, SQLite in {@code dataDir}, default threshold. */
  public static CollectorConfig defaults(Path dataDir) {
    return new CollectorConfig(
        Optional.empty(), "127.0.0.1", DEFAULT_PORT, dataDir, DEFAULT_PRIVACY_THRESHOLD, DEFAULT_MAX_BATCH_BYTES);
  }

  public CollectorConfig withJdbcUrl(String url) {
    return new CollectorConfig(Optional.of(url), host, port, dataDir, privacyThreshold, maxBatchBytes);
  }

  public CollectorConfig withListen(String h, int p) {
    return new CollectorConfig(jdbcUrl, h, p, dataDir, privacyThreshold, maxBatchBytes);
  }

  public CollectorConfig withPrivacyThreshold(int t) {
    return new CollectorConfig(jdbcUrl, host, port, dataDir, t, maxBatchBytes);
  }

  public CollectorConfig withMaxBatchBytes(int max) {
    return new CollectorConfig(jdbcUrl, host, port, dataDir, privacyThreshold, max);
  }

  /** The JDBC URL in force: the configured one, or the SQLite file in the data directory. */
  public String effectiveJdbcUrl() {
    return jdbcUrl.orElseGet(() -> "jdbc:sqlite:" + dataDir.resolve("collector.db").toAbsolutePath());
  }

  /**
   * Parses {@code HOST:PORT} (or {@code [v6]:PORT}, or {@code :PORT} for loopback).
   *
   * @throws IllegalArgumentException if it is not of that form
   */
  public CollectorConfig withListen(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("--listen must be HOST:PORT, got '" + hostPort + "'");
    }
    String h = hostPort.substring(0, colon);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.isEmpty()) {
      h = "127.0.0.1";
    }
    try {
      return withListen(h, Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen port must be a number, got '" + hostPort + "'");
    }
  }
}
