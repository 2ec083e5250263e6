package io.chasm.collector.internal.web;

import io.chasm.collector.StatsReader;
import io.chasm.collector.StatsReader.Range;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Turns request parameters into a day range. */
final class Ranges {
  private Ranges() {}

  static Range parse(String from, String to, String period, StatsReader r) throws SQLException {
    if (from != null && !from.isBlank() || to != null && !to.isBlank()) {
      LocalDate f = from == null || from.isBlank() ? null : date(from, "from");
      LocalDate t = to == null || to.isBlank() ? null : date(to, "to");
      Range all = all(r);
      return new Range(f == null ? all.from() : f, t == null ? all.to() : t);
    }
    Range all = all(r);
    if (period == null || period.isBlank() || period.equals("all")) {
      return all;
    }
    int days = switch (period) {
      case "day" -> 1;
      case "week" -> 7;
      case "month" -> 30;
      case "year" -> 365;
      default -> throw new IllegalArgumentException("period must be day, week, month, year or all");
    };
    return new Range(all.to().minusDays(days), all.to());
  }

  static Range all(StatsReader r) throws SQLException {
    return r.dataRange().orElseGet(() -> {
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      return new Range(today.minusDays(6), today.plusDays(1));
    });
  }

  private static LocalDate date(String s, String name) {
    try {
      return LocalDate.parse(s.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be a date like 2026-11-26");
    }
  }
}
