package io.chasm.collector.internal;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The windows figures are counted in: UTC days, ISO weeks (from Monday) and calendar months, with
 * the codes the batch format gives them (DAY 2, WEEK 3, MONTH 4). Rollup rows are keyed by window
 * kind and start; a range of days is answered from the fewest whole windows that tile it.
 */
public final class Windows {
  public static final int HOUR = 1;
  public static final int DAY = 2;
  public static final int WEEK = 3;
  public static final int MONTH = 4;

  /** One window: its kind and its first second (Unix, UTC). */
  public record Piece(int kind, long start) {
    public LocalDate firstDay() {
      return day(start);
    }

    public String label() {
      return Windows.label(kind, start);
    }
  }

  private Windows() {}

  public static LocalDate day(long unix) {
    return LocalDate.ofInstant(Instant.ofEpochSecond(unix), ZoneOffset.UTC);
  }

  public static long unix(LocalDate d) {
    return d.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
  }

  /** Start of the window of {@code kind} that holds the instant. */
  public static long startOf(int kind, long unix) {
    return switch (kind) {
      case HOUR -> Math.floorDiv(unix, 3600) * 3600;
      case DAY -> Math.floorDiv(unix, 86400) * 86400;
      case WEEK -> unix(day(unix).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)));
      case MONTH -> unix(day(unix).withDayOfMonth(1));
      default -> throw new IllegalArgumentException("no window kind " + kind);
    };
  }

  public static boolean aligned(int kind, long unix) {
    return unix >= 0 && startOf(kind, unix) == unix;
  }

  /** "hour", "day", "week" or "month". */
  public static String name(int kind) {
    return switch (kind) {
      case HOUR -> "hour";
      case DAY -> "day";
      case WEEK -> "week";
      case MONTH -> "month";
      default -> throw new IllegalArgumentException("no window kind " + kind);
    };
  }

  /** ISO-8601 name of a window: 2026-11-02T05:00:00Z, 2026-11-02, 2026-W45, 2026-11. */
  public static String label(int kind, long start) {
    LocalDate d = day(start);
    return switch (kind) {
      case HOUR -> Instant.ofEpochSecond(start).toString();
      case DAY -> d.toString();
      case WEEK -> String.format(Locale.ROOT, "%d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR),
          d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case MONTH -> String.format(Locale.ROOT, "%d-%02d", d.getYear(), d.getMonthValue());
      default -> throw new IllegalArgumentException("no window kind " + kind);
    };
  }

  /**
   * Whole windows that tile the days [from, to) exactly: calendar months where a whole one fits,
   * else ISO weeks where a whole one fits without hiding a month that could be taken whole, else
   * days. A year is about 30 pieces whatever its alignment, so a range costs the same however
   * much data lies inside it.
   */
  public static List<Piece> tile(LocalDate from, LocalDate to) {
    List<Piece> out = new ArrayList<>();
    LocalDate d = from;
    while (d.isBefore(to)) {
      LocalDate nextMonth = d.withDayOfMonth(1).plusMonths(1);
      if (d.getDayOfMonth() == 1 && !nextMonth.isAfter(to)) {
        out.add(new Piece(MONTH, unix(d)));
        d = nextMonth;
        continue;
      }
      LocalDate weekEnd = d.plusDays(7);
      boolean monthAhead = !nextMonth.plusMonths(1).isAfter(to);
      if (d.getDayOfWeek() == DayOfWeek.MONDAY && !weekEnd.isAfter(to) && (!monthAhead || !weekEnd.isAfter(nextMonth))) {
        out.add(new Piece(WEEK, unix(d)));
        d = weekEnd;
        continue;
      }
      out.add(new Piece(DAY, unix(d)));
      d = d.plusDays(1);
    }
    return out;
  }
}
