package io.chasm.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Window arithmetic against java.time, and the TCK vectors (tck/vectors/stats-windows.json). */
class WindowProperties {
  @Property(tries = 2000)
  void everyDayLiesInItsWindows_whichStartOnMondayAndTheFirst(@ForAll @LongRange(min = -40_000, max = 80_000) long day) {
    LocalDate d = LocalDate.ofEpochDay(day);
    for (Window w : Window.values()) {
      long i = w.indexOfDay(day);
      assertThat(w.firstDay(i)).isLessThanOrEqualTo(day);
      assertThat(w.lastDay(i)).isGreaterThanOrEqualTo(day);
      assertThat(w.indexOfDay(w.firstDay(i))).isEqualTo(i);
      assertThat(w.indexOfDay(w.lastDay(i) + 1)).isEqualTo(i + 1);
      assertThat(w.start(i)).isEqualTo(w.firstDay(i) * 86400);
    }
    assertThat(LocalDate.ofEpochDay(Window.WEEK.firstDay(Window.WEEK.indexOfDay(day))))
        .isEqualTo(d.with(DayOfWeek.MONDAY));
    assertThat(LocalDate.ofEpochDay(Window.MONTH.firstDay(Window.MONTH.indexOfDay(day))))
        .isEqualTo(d.withDayOfMonth(1));
    assertThat(Window.WEEK.label(Window.WEEK.indexOfDay(day))).isEqualTo(String.format("%04d-W%02d",
        d.get(IsoFields.WEEK_BASED_YEAR), d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
  }

  // Labels are written by hand (w7-B): the same text as String.format, also for years with fewer
  // or more than four digits and before year 0.
  @Property(tries = 3000)
  void labelsAreTheFormattedDates(@ForAll @LongRange(min = -1_500_000, max = 3_300_000) long day) {
    LocalDate d = LocalDate.ofEpochDay(day);
    assertThat(Window.DAY.label(Window.DAY.indexOfDay(day))).isEqualTo(d.toString());
    assertThat(Window.WEEK.label(Window.WEEK.indexOfDay(day))).isEqualTo(String.format("%04d-W%02d",
        d.get(IsoFields.WEEK_BASED_YEAR), d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
    assertThat(Window.MONTH.label(Window.MONTH.indexOfDay(day)))
        .isEqualTo(String.format("%04d-%02d", d.getYear(), d.getMonthValue()));
  }

  @Test
  void tckVectors() throws Exception {
    String json = Files.readString(Path.of("..", "tck", "vectors", "stats-windows.json"));
    // Flat enough for a pattern: {"unix": T, "windows": {"day": {"start": S, "label": "L"}, ...}}
    Matcher m = Pattern.compile("\"unix\": (-?\\d+),\\s*\"windows\": \\{\\s*"
        + "\"day\": \\{\\s*\"start\": (-?\\d+),\\s*\"label\": \"([^\"]+)\"\\s*},\\s*"
        + "\"week\": \\{\\s*\"start\": (-?\\d+),\\s*\"label\": \"([^\"]+)\"\\s*},\\s*"
        + "\"month\": \\{\\s*\"start\": (-?\\d+),\\s*\"label\": \"([^\"]+)\"").matcher(json);
    int n = 0;
    while (m.find()) {
      long day = Math.floorDiv(Long.parseLong(m.group(1)), 86400L);
      int g = 2;
      for (Window w : Window.values()) {
        long i = w.indexOfDay(day);
        assertThat(w.start(i)).as("%s of %s", w, m.group(1)).isEqualTo(Long.parseLong(m.group(g)));
        assertThat(w.label(i)).as("%s of %s", w, m.group(1)).isEqualTo(m.group(g + 1));
        g += 2;
      }
      n++;
    }
    assertThat(n).isEqualTo(15);
  }
}
