package io.chasm.collector.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Set-based statements: a batch's rows for one table go to the database in one multi-row {@code
 * VALUES} list instead of one statement each, which is what ingestion costs on PostgreSQL (a
 * statement's round trip, parse and executor start-up, not the row's work, dominated). Plain SQL
 * that both SQLite (3.24+) and PostgreSQL run, so there is one code path for both.
 */
final class MultiRow {
  /**
   * Bind parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535, so one
   * statement takes a whole batch (300 rows of 11 columns is 3,300).
   */
  static final int MAX_PARAMS = 32_000;

  private MultiRow() {}

  /** Binds one row's values from index {@code i}; returns the next free index. */
  @FunctionalInterface
  interface Binder<R> {
    int bind(PreparedStatement ps, int i, R row) throws SQLException;
  }

  /** Takes one row of a query's result. */
  @FunctionalInterface
  interface Reader {
    void read(ResultSet rs) throws SQLException;
  }

  /** An upsert: keys in conflict order, then the other columns; {@code update} the DO UPDATE clause. */
  record Upsert(String table, List<String> keys, List<String> values, String update) {
    int columns() {
      return keys.size() + values.size();
    }

    String head() {
      return "INSERT INTO " + table + " (" + String.join(", ", keys) + ", " + String.join(", ", values) + ") VALUES ";
    }

    String tail() {
      return " ON CONFLICT (" + String.join(", ", keys) + ") DO UPDATE SET " + update;
    }

    /** {@code col = table.col + excluded.col} for each column: counters that only add up. */
    static String adding(String table, String... columns) {
      StringBuilder b = new StringBuilder();
      for (String col : columns) {
        if (b.length() > 0) {
          b.append(", ");
        }
        b.append(col).append(" = ").append(table).append('.').append(col).append(" + excluded.").append(col);
      }
      return b.toString();
    }
  }

  /**
   * Writes {@code rows} in their order (callers sort them: rows shared between concurrent batches
   * are then locked in one global order, so two batches cannot deadlock each other).
   */
  static <R> void upsert(Connection c, Upsert u, List<R> rows, Binder<R> binder) throws SQLException {
    String group = group(u.columns());
    int per = MAX_PARAMS / u.columns();
    for (int from = 0; from < rows.size(); from += per) {
      int to = Math.min(rows.size(), from + per);
      try (PreparedStatement ps = c.prepareStatement(u.head() + repeat(group, to - from) + u.tail())) {
        int i = 1;
        for (R r : rows.subList(from, to)) {
          i = binder.bind(ps, i, r);
        }
        ps.executeUpdate();
      }
    }
  }

  /** Inserts the rows that are not there yet ({@code ON CONFLICT DO NOTHING}), in their order. */
  static <R> void insertIgnoring(Connection c, String table, List<String> columns, List<R> rows, Binder<R> binder)
      throws SQLException {
    insert(c, table, columns, rows, binder, " ON CONFLICT DO NOTHING");
  }

  /** Inserts the rows, in their order; a row that exists already fails the statement. */
  static <R> void insert(Connection c, String table, List<String> columns, List<R> rows, Binder<R> binder)
      throws SQLException {
    insert(c, table, columns, rows, binder, "");
  }

  private static <R> void insert(Connection c, String table, List<String> columns, List<R> rows, Binder<R> binder,
      String suffix) throws SQLException {
    String group = group(columns.size());
    int per = MAX_PARAMS / columns.size();
    for (int from = 0; from < rows.size(); from += per) {
      int to = Math.min(rows.size(), from + per);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + String.join(", ", columns)
          + ") VALUES " + repeat(group, to - from) + suffix)) {
        int i = 1;
        for (R r : rows.subList(from, to)) {
          i = binder.bind(ps, i, r);
        }
        ps.executeUpdate();
      }
    }
  }

  /** Writes entries of a sorted map in key order (see {@link #upsert(Connection, Upsert, List, Binder)}). */
  static <K, V> void upsert(Connection c, Upsert u, Map<K, V> rows, Binder<Map.Entry<K, V>> binder)
      throws SQLException {
    upsert(c, u, List.copyOf(rows.entrySet()), binder);
  }

  /**
   * Runs {@code select + " (VALUES (?, ...), ...)"} for the {@code keys}, with {@code lead} bound
   * first (the mirror id the query is restricted to), in as few statements as the bind limit allows.
   */
  static <K> void selectIn(Connection c, String select, long lead, int keyColumns, List<K> keys, Binder<K> binder,
      Reader reader) throws SQLException {
    String group = group(keyColumns);
    int per = (MAX_PARAMS - 1) / keyColumns;
    for (int from = 0; from < keys.size(); from += per) {
      int to = Math.min(keys.size(), from + per);
      try (PreparedStatement ps = c.prepareStatement(select + " (VALUES " + repeat(group, to - from) + ")")) {
        ps.setLong(1, lead);
        int i = 2;
        for (K k : keys.subList(from, to)) {
          i = binder.bind(ps, i, k);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            reader.read(rs);
          }
        }
      }
    }
  }

  private static String group(int columns) {
    return "(" + "?, ".repeat(columns - 1) + "?)";
  }

  private static String repeat(String group, int n) {
    StringBuilder b = new StringBuilder(n * (group.length() + 2));
    for (int k = 0; k < n; k++) {
      if (k > 0) {
        b.append(", ");
      }
      b.append(group);
    }
    return b.toString();
  }
}
