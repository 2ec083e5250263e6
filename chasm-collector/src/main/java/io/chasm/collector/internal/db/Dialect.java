package io.chasm.collector.internal.db;

import java.util.Locale;

/** The two databases the collector runs on; SQL differs only where this enum says. */
public enum Dialect {
  SQLITE("sqlite"),
  POSTGRESQL("postgresql");

  private final String resourceDir;

  Dialect(String resourceDir) {
    this.resourceDir = resourceDir;
  }

  /** Folder of this dialect's migration scripts under {@code io/chasm/collector/db/}. */
  public String resourceDir() {
    return resourceDir;
  }

  /**
   * Row lock for read-modify-write of aggregates. SQLite has none: its single writer (see {@link
   * Database#inTransaction}) already excludes concurrent merges.
   */
  public String forUpdate() {
    return this == POSTGRESQL ? " FOR UPDATE" : "";
  }

  /**
   * @throws IllegalArgumentException for a JDBC URL of another database
   */
  public static Dialect fromJdbcUrl(String url) {
    String u = url.toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (u.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "unsupported database URL (want jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB): " + redact(url));
  }

  /** The URL without credentials, fit for messages and logs. */
  public static String redact(String url) {
    int q = url.indexOf('?');
    String base = q < 0 ? url : url.substring(0, q);
    return base.replaceAll("//[^/@]*@", "//***@");
  }
}
