package io.chasm.hashtree.metalink;

import java.util.Objects;

/**
 * A mirror of the tree for Metalink {@code <url>} elements: the URL of the tree's root on it, and
 * the optional attributes RFC 5854 §4.2.16 gives clients to choose by.
 *
 * @param base the URL of the tree's root ({@code http://mirror.example/debian/})
 * @param location ISO 3166-1 alpha-2 country code, or null
 * @param priority 1 (most preferred) to 999999, or 0 for none
 */
public record MirrorUrl(String base, String location, int priority) {
  public MirrorUrl {
    Objects.requireNonNull(base);
    if (!base.matches("(?i)(https?|ftp)://[^\\s\"<>?#]+")) {
      throw new IllegalArgumentException("mirror URL must be http(s):// or ftp:// without spaces, query or fragment: " + base);
    }
    if (location != null && !location.matches("[a-zA-Z]{2}")) {
      throw new IllegalArgumentException("location must be a two-letter country code: " + location);
    }
    if (priority < 0 || priority > 999_999) {
      throw new IllegalArgumentException("priority must be 1..999999: " + priority);
    }
  }

  /**
   * Parses a mirror list line: {@code URL [location=CC] [priority=N]}; blank lines and {@code #}
   * comments give null.
   *
   * @throws IllegalArgumentException if the line is malformed
   */
  public static MirrorUrl parseLine(String line) {
    String l = line.strip();
    if (l.isEmpty() || l.startsWith("#")) {
      return null;
    }
    String[] parts = l.split("\\s+");
    String location = null;
    int priority = 0;
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].startsWith("location=")) {
        location = parts[i].substring("location=".length());
      } else if (parts[i].startsWith("priority=")) {
        try {
          priority = Integer.parseInt(parts[i].substring("priority=".length()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("priority must be a number: " + parts[i]);
        }
      } else {
        throw new IllegalArgumentException("unknown mirror attribute '" + parts[i] + "' (location=CC, priority=N)");
      }
    }
    return new MirrorUrl(parts[0], location, priority);
  }

  /** The URL of the file at tree path {@code path} (each name percent-encoded as a path segment). */
  public String resolve(byte[][] names) {
    StringBuilder b = new StringBuilder(base);
    if (!base.endsWith("/")) {
      b.append('/');
    }
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        b.append('/');
      }
      for (byte x : names[i]) {
        int c = x & 0xff;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
          b.append((char) c);
        } else {
          b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
              .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
      }
    }
    return b.toString();
  }
}
