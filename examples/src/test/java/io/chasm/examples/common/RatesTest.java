package io.chasm.examples.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class RatesTest {
  @Test
  void parse_theDocumentedForms() {
    assertThat(Rates.parse("20MB/s")).isEqualTo(20_000_000L);
    assertThat(Rates.parse("512KiB/s")).isEqualTo(512L * 1024);
    assertThat(Rates.parse(" 1.5gb/s ")).isEqualTo(1_500_000_000L);
    assertThat(Rates.parse("800000B")).isEqualTo(800_000L);
  }

  @Test
  void parse_badOrZero_failsWithOneLine() {
    assertThatThrownBy(() -> Rates.parse("fast")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a rate: 'fast' (use e.g. 20MB/s, 512KiB/s)");
    assertThatThrownBy(() -> Rates.parse("0MB/s")).hasMessageStartingWith("rate out of range");
    assertThatThrownBy(() -> Rates.parse("20MB/h")).hasMessageStartingWith("not a rate");
  }

  @Property
  void parse_numberTimesUnit(@ForAll @IntRange(min = 1, max = 1_000_000) int n, @ForAll("units") String unit) {
    long mult = switch (unit) {
      case "B" -> 1;
      case "KB" -> 1000;
      case "KiB" -> 1024;
      case "MB" -> 1_000_000;
      case "MiB" -> 1 << 20;
      case "GB" -> 1_000_000_000L;
      default -> 1L << 30;
    };
    assertThat(Rates.parse(n + unit + "/s")).isEqualTo(n * mult);
    assertThat(Rates.parse(n + unit)).isEqualTo(n * mult);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> units() {
    return net.jqwik.api.Arbitraries.of("B", "KB", "KiB", "MB", "MiB", "GB", "GiB");
  }

  @Property
  void parse_anyString_returnsAPositiveRateOrThrowsIllegalArgument(@ForAll @StringLength(max = 12) String s) {
    try {
      assertThat(Rates.parse(s)).isPositive();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).doesNotContain("\n");
    }
  }
}
