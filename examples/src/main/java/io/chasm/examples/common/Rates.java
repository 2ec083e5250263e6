package io.chasm.examples.common;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rate syntax of the CLI: a number and a byte unit per second, {@code 20MB/s}, {@code
 * 512KiB/s}, {@code 1.5GB/s}, {@code 800000B/s} ("/s" optional; decimal units are powers of 1000,
 * binary ones of 1024, as everywhere else).
 */
public final class Rates {
  private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]i?)?b(?:/s)?");

  private Rates() {}

  /**
   * Bytes per second.
   *
   * @throws IllegalArgumentException not a rate, or not above zero, with a one-line message
   */
  public static long parse(String value) {
    Matcher m = RATE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a rate: '" + printable(value) + "' (use e.g. 20MB/s, 512KiB/s)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2);
    long mult = switch (unit) {
      case "" -> 1L;
      case "k" -> 1000L;
      case "ki" -> 1L << 10;
      case "m" -> 1000_000L;
      case "mi" -> 1L << 20;
      case "g" -> 1000_000_000L;
      default -> 1L << 30;
    };
    double bytes = n * mult;
    if (bytes < 1 || bytes > Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("rate out of range: '" + printable(value) + "' (at least 1B/s)");
    }
    return (long) bytes;
  }

  /** The value as typed, control characters escaped, so that the error stays on one line. */
  private static String printable(String value) {
    StringBuilder b = new StringBuilder(value.length());
    value.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        b.append(String.format(Locale.ROOT, "\\u%04x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }
}
