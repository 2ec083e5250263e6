package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The CLI's wording of {@link io.chasm.examples.common.Durations}' errors. */
class DurationConverterTest {
  @Test
  void converter_keepsItsMessages() {
    StateOptions.DurationConverter c = new StateOptions.DurationConverter();
    assertThat(c.convert("7d")).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> c.convert("5x")).hasMessage("not a duration: 5x");
    assertThatThrownBy(() -> c.convert("xs")).hasMessage("not a duration (e.g. 7d, 12h): xs");
    assertThatThrownBy(() -> c.convert("0h")).hasMessage("duration must be positive: 0h");
  }
}
