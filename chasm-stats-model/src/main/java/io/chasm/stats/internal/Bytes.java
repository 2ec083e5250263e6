package io.chasm.stats.internal;

/** Byte-level parsing helpers shared by the readers. All return a sentinel instead of throwing. */
public final class Bytes {
  /** Returned by the time parsers for malformed input. */
  public static final long BAD = Long.MIN_VALUE;

  private Bytes() {}

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class,
          java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  // High bit set in each byte of v that is zero (exact for the lowest such byte, which is all the
  // callers use: a borrow can only mark bytes above a true zero).
  private static long zeros(long v) {
    return (v - ONES) & ~v & HIGHS;
  }

  /** First index of c in b[from,to), or -1; eight bytes per step (lines are mostly long fields). */
  public static int indexOf(byte[] b, int from, int to, byte c) {
    int i = from;
    long pat = (c & 0xffL) * ONES;
    for (; i + 8 <= to; i += 8) {
      long m = zeros((long) LONGS.get(b, i) ^ pat);
      if (m != 0) {
        return i + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** First index of c1 or c2 in b[from,to), or -1. */
  public static int indexOfEither(byte[] b, int from, int to, byte c1, byte c2) {
    int i = from;
    long p1 = (c1 & 0xffL) * ONES;
    long p2 = (c2 & 0xffL) * ONES;
    for (; i + 8 <= to; i += 8) {
      long v = (long) LONGS.get(b, i);
      long m = zeros(v ^ p1) | zeros(v ^ p2);
      if (m != 0) {
        return i + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == c1 || b[i] == c2) {
        return i;
      }
    }
    return -1;
  }

  public static int lastIndexOf(byte[] b, int from, int to, byte c) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Non-negative decimal of at most 18 digits, or -1. */
  public static long parseLong(byte[] b, int s, int e) {
    if (s >= e || e - s > 18) {
      return -1;
    }
    long v = 0;
    for (int i = s; i < e; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** Byte count field: digits, or "-" meaning zero; -1 when malformed. */
  public static long parseSize(byte[] b, int s, int e) {
    if (e - s == 1 && b[s] == '-') {
      return 0;
    }
    return parseLong(b, s, e);
  }

  static int digits(byte[] b, int p, int n) {
    int v = 0;
    for (int i = p; i < p + n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** 1..12 for an English three-letter month abbreviation at p, else 0. */
  public static int month(byte[] b, int p) {
    int k = ((b[p] | 0x20) << 16) | ((b[p + 1] | 0x20) << 8) | (b[p + 2] | 0x20);
    switch (k) {
      case ('j' << 16) | ('a' << 8) | 'n': return 1;
      case ('f' << 16) | ('e' << 8) | 'b': return 2;
      case ('m' << 16) | ('a' << 8) | 'r': return 3;
      case ('a' << 16) | ('p' << 8) | 'r': return 4;
      case ('m' << 16) | ('a' << 8) | 'y': return 5;
      case ('j' << 16) | ('u' << 8) | 'n': return 6;
      case ('j' << 16) | ('u' << 8) | 'l': return 7;
      case ('a' << 16) | ('u' << 8) | 'g': return 8;
      case ('s' << 16) | ('e' << 8) | 'p': return 9;
      case ('o' << 16) | ('c' << 8) | 't': return 10;
      case ('n' << 16) | ('o' << 8) | 'v': return 11;
      case ('d' << 16) | ('e' << 8) | 'c': return 12;
      default: return 0;
    }
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  public static long daysFromCivil(long y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }

  static long epoch(int y, int mo, int d, int h, int mi, int s) {
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23
        || mi < 0 || mi > 59 || s < 0 || s > 60) {
      return BAD;
    }
    return daysFromCivil(y, mo, d) * 86400L + h * 3600L + mi * 60L + s;
  }

  /** Apache {@code %t} body: {@code 17/May/2015:10:05:03 +0000} (26 bytes). */
  public static long apacheTime(byte[] b, int s, int e) {
    if (e - s != 26 || b[s + 2] != '/' || b[s + 6] != '/' || b[s + 11] != ':' || b[s + 14] != ':'
        || b[s + 17] != ':' || b[s + 20] != ' ') {
      return BAD;
    }
    long t = epoch(digits(b, s + 7, 4), month(b, s + 3), digits(b, s, 2), digits(b, s + 12, 2),
        digits(b, s + 15, 2), digits(b, s + 18, 2));
    long off = zone(b, s + 21, e);
    return t == BAD || off == BAD ? BAD : t - off;
  }

  /** {@code +hhmm}, {@code -hh:mm} or {@code Z}: the offset in seconds. */
  static long zone(byte[] b, int s, int e) {
    if (e - s == 1 && (b[s] == 'Z' || b[s] == 'z')) {
      return 0;
    }
    boolean colon = e - s == 6 && b[s + 3] == ':';
    if (e - s != 5 && !colon) {
      return BAD;
    }
    int sign = b[s] == '+' ? 1 : b[s] == '-' ? -1 : 0;
    int hh = digits(b, s + 1, 2);
    int mm = digits(b, colon ? s + 4 : s + 3, 2);
    if (sign == 0 || hh < 0 || mm < 0 || hh > 23 || mm > 59) {
      return BAD;
    }
    return sign * (hh * 3600L + mm * 60L);
  }

  /** ISO 8601 {@code 2024-11-24T00:00:00[.fff](Z|+hh:mm)}; no zone means UTC. */
  public static long isoTime(byte[] b, int s, int e) {
    if (e - s < 19 || b[s + 4] != '-' || b[s + 7] != '-' || (b[s + 10] != 'T' && b[s + 10] != ' ')
        || b[s + 13] != ':' || b[s + 16] != ':') {
      return BAD;
    }
    long t = epoch(digits(b, s, 4), digits(b, s + 5, 2), digits(b, s + 8, 2),
        digits(b, s + 11, 2), digits(b, s + 14, 2), digits(b, s + 17, 2));
    int p = s + 19;
    if (p < e && (b[p] == '.' || b[p] == ',')) {
      p++;
      while (p < e && b[p] >= '0' && b[p] <= '9') {
        p++;
      }
    }
    long off = p == e ? 0 : zone(b, p, e);
    return t == BAD || off == BAD ? BAD : t - off;
  }

  /** ctime style {@code Mon Nov 24 00:00:00 2024} (24 bytes, day may be space padded), UTC. */
  public static long ctime(byte[] b, int s, int e) {
    if (e - s != 24 || b[s + 3] != ' ' || b[s + 7] != ' ' || b[s + 10] != ' ' || b[s + 13] != ':'
        || b[s + 16] != ':' || b[s + 19] != ' ') {
      return BAD;
    }
    int day = b[s + 8] == ' ' ? digits(b, s + 9, 1) : digits(b, s + 8, 2);
    return epoch(digits(b, s + 20, 4), month(b, s + 4), day, digits(b, s + 11, 2),
        digits(b, s + 14, 2), digits(b, s + 17, 2));
  }

  /** {@code 2024/11/24 00:00:00} (rsyncd), UTC. */
  public static long slashTime(byte[] b, int s, int e) {
    if (e - s != 19 || b[s + 4] != '/' || b[s + 7] != '/' || b[s + 10] != ' ' || b[s + 13] != ':'
        || b[s + 16] != ':') {
      return BAD;
    }
    return epoch(digits(b, s, 4), digits(b, s + 5, 2), digits(b, s + 8, 2), digits(b, s + 11, 2),
        digits(b, s + 14, 2), digits(b, s + 17, 2));
  }

  /** BSD syslog {@code Nov 26 06:00:00} (15 bytes) in the given year, UTC. */
  public static long syslogTime(byte[] b, int s, int e, int year) {
    if (e - s != 15 || b[s + 3] != ' ' || b[s + 6] != ' ' || b[s + 9] != ':' || b[s + 12] != ':') {
      return BAD;
    }
    int day = b[s + 4] == ' ' ? digits(b, s + 5, 1) : digits(b, s + 4, 2);
    return epoch(year, month(b, s), day, digits(b, s + 7, 2), digits(b, s + 10, 2),
        digits(b, s + 13, 2));
  }

  /** True when {@code b[s,e)} contains {@code lowerNeedle}, ASCII case-insensitively. */
  public static boolean containsIgnoreCase(byte[] b, int s, int e, byte[] lowerNeedle) {
    int n = lowerNeedle.length;
    int first = lowerNeedle[0] | 0x20;
    for (int i = s, last = e - n; i <= last; i++) {
      if ((b[i] | 0x20) == first) {
        int j = 1;
        while (j < n && (b[i + j] | 0x20) == (lowerNeedle[j] | 0x20)) {
          j++;
        }
        if (j == n) {
          return true;
        }
      }
    }
    return false;
  }

  public static boolean startsWith(byte[] b, int s, int e, byte[] prefix) {
    if (e - s < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[s + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  public static boolean endsWith(byte[] b, int s, int e, byte[] suffix) {
    return e - s >= suffix.length && startsWith(b, e - suffix.length, e, suffix);
  }

  public static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
