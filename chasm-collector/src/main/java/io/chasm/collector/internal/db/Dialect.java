package io.chasm.collector.internal.db;

import java.util.Locale;

/** The two databases the collector runs on; SQL differs only where this enum says. */
public enum Dialect {
  SQLITE("INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB"),
  POSTGRESQL("BIGSERIAL PRIMARY KEY", "BYTEA");

  private final String autoIdColumn;
  private final String blobType;

  Dialect(String autoIdColumn, String blobType) {
    this.autoIdColumn = autoIdColumn;
    this.blobType = blobType;
  }

  /**
   * A migration script in this dialect: the shared script with its type placeholders filled, and
   * lines that begin with {@code {{postgresql}}} kept on PostgreSQL only (a comment on SQLite).
   */
  public String render(String script) {
    return script.replace("{{id}}", autoIdColumn).replace("{{blob}}", blobType)
        .replace("{{postgresql}}", this == POSTGRESQL ? "" : "-- ");
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
