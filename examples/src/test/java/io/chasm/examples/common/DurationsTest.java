package io.chasm.examples.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parse_everyForm() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse(" 90S ")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("12h")).isEqualTo(Duration.ofHours(12));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("0s")).isZero();
  }

  @Test
  void parse_garbage_saysWhy() {
    assertThatThrownBy(() -> Durations.parse("5x")).isInstanceOfSatisfying(Durations.FormatException.class,
        e -> assertThat(e.unknownUnit()).isTrue());
    for (String bad : new String[] {"", "s", "abc", "P1X", "1.5h"}) {
      assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOfSatisfying(Durations.FormatException.class,
          e -> assertThat(e.unknownUnit()).isFalse());
    }
  }
}
