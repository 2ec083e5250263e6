package io.chasm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.internal.db.Migrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 6 on SQLite adds nothing (V6__covering_indexes.sql says why): the schema is at the
 * newest version and has no covering index, and the PostgreSQL-only lines are comments there.
 */
class SqliteCoveringIndexTest {
  @TempDir Path dir;

  @Test
  void schemaSixAddsNoIndexOnSqlite() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("collector.db");
    try (CollectorStore store = CollectorStore.open(url, 0, 2)) {
      assertThat(store.schemaVersion()).isEqualTo(Migrations.latestVersion()).isGreaterThanOrEqualTo(6);
    }
    List<String> indexes = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index'")) {
      while (rs.next()) {
        indexes.add(rs.getString(1));
      }
    }
    assertThat(indexes).contains("roll_artifact_artifact").doesNotContain("roll_artifact_cover", "roll_mirror_cover");
  }
}
