package io.chasm.stats;

import java.time.LocalDate;
import java.time.temporal.IsoFields;

/**
 * The windows a unique-downloader figure can cover: a UTC day, an ISO 8601 week (Monday to
 * Sunday) or a calendar month. Each has its own secret at the agent (SPEC §11.9), so a client
 * counts once per window, whatever the window. A window is named by its index: days and weeks
 * since the epoch's (the week of 1970-01-01 is 0), months since January 1970.
 */
public enum Window {
  DAY, WEEK, MONTH;

  // 1970-01-01 was a Thursday: the Monday that starts week 0 is three days earlier.
  private static final long WEEK_OFFSET_DAYS = 3;

  /** The index of the window of this kind that holds the given day (days since the epoch). */
  public long indexOfDay(long day) {
    switch (this) {
      case DAY:
        return day;
      case WEEK:
        return Math.floorDiv(day + WEEK_OFFSET_DAYS, 7L);
      default:
        LocalDate d = LocalDate.ofEpochDay(day);
        return (d.getYear() - 1970L) * 12 + d.getMonthValue() - 1;
    }
  }

  /** First day (days since the epoch) of the window with this index. */
  public long firstDay(long index) {
    switch (this) {
      case DAY:
        return index;
      case WEEK:
        return index * 7 - WEEK_OFFSET_DAYS;
      default:
        return LocalDate.of((int) (1970 + Math.floorDiv(index, 12L)), (int) Math.floorMod(index, 12L) + 1, 1)
            .toEpochDay();
    }
  }

  /** Last day (days since the epoch) of the window with this index. */
  public long lastDay(long index) {
    return next(index) - 1;
  }

  private long next(long index) {
    return this == WEEK ? firstDay(index) + 7 : this == DAY ? index + 1 : MONTH.firstDay(index + 1);
  }

  /** Start of the window, Unix seconds: the {@code period_start} of its rows. */
  public long start(long index) {
    return firstDay(index) * 86400;
  }

  /** The row granularity that carries this window's uniques. */
  public StatsRow.Granularity granularity() {
    return this == DAY ? StatsRow.Granularity.DAY
        : this == WEEK ? StatsRow.Granularity.WEEK : StatsRow.Granularity.MONTH;
  }

  /** "2026-11-03", "2026-W45" (ISO week-based year), "2026-11". */
  public String label(long index) {
    LocalDate d = LocalDate.ofEpochDay(firstDay(index));
    switch (this) {
      case DAY:
        return d.toString();
      case WEEK:
        return year(d.get(IsoFields.WEEK_BASED_YEAR)) + "-W" + twoDigits(d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      default:
        return year(d.getYear()) + "-" + twoDigits(d.getMonthValue());
    }
  }

  // By hand, not String.format: the report labels every artifact's month, and the format parser
  // was 2% of a --state scan's CPU samples (JFR, w7-B). ASCII digits whatever the default locale.
  private static String year(int y) {
    if (y < 0 || y > 9999) {
      return String.format(java.util.Locale.ROOT, "%04d", y);
    }
    return y >= 1000 ? Integer.toString(y) : y >= 100 ? "0" + y : y >= 10 ? "00" + y : "000" + y;
  }

  private static String twoDigits(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }

  /** "day", "week", "month". */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
