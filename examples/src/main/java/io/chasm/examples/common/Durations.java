package io.chasm.examples.common;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one duration syntax of the CLI and of chasmd's config: {@code 500ms}, {@code 90s},
 * {@code 5m}, {@code 12h}, {@code 7d}, or ISO-8601 ({@code PT1H30M}). Callers word the errors
 * for their context (an option, a config key).
 */
public final class Durations {
  private Durations() {}

  /** Why a value is not a duration. */
  public static final class FormatException extends IllegalArgumentException {
    private final boolean unknownUnit;

    FormatException(String value, boolean unknownUnit, Throwable cause) {
      super("not a duration: " + value, cause);
      this.unknownUnit = unknownUnit;
    }

    /** The number parsed but the suffix is none of ms, s, m, h, d. */
    public boolean unknownUnit() {
      return unknownUnit;
    }
  }

  /**
   * Parses {@code value} (surrounding blanks and case ignored). Zero and negative values are
   * returned as such: whether they make sense is the caller's call.
   *
   * @throws FormatException if it is none of the forms above
   */
  public static Duration parse(String value) {
    String s = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new FormatException(value, true, null);
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException | ArithmeticException e) {
      throw new FormatException(value, false, e);
    }
  }
}
