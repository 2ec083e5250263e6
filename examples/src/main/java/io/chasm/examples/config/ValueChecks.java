package io.chasm.examples.config;

import io.chasm.examples.common.Durations;
import io.chasm.examples.common.Rates;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The value syntaxes of the config file; each message names the key and the expected form. */
public final class ValueChecks {
  private ValueChecks() {}

  public static final ValueCheck TEXT = of("text", (k, v) -> {});
  public static final ValueCheck PATH = of("a path", (k, v) -> {});
  public static final ValueCheck PATHS = of("paths, comma-separated", (k, v) -> {});
  public static final ValueCheck BOOL = of("true or false", (k, v) -> bool(k, v));
  public static final ValueCheck DURATION = of("a duration: 500ms, 2s, 5m, 1h, 7d", (k, v) -> duration(k, v));
  public static final ValueCheck DURATION_OR_OFF = of("off, or a duration: 500ms, 2s, 5m, 1h, 7d",
      (k, v) -> {
        if (!v.equalsIgnoreCase("off")) {
          duration(k, v);
        }
      });
  public static final ValueCheck URIS = of("URIs, comma-separated: tcp://HOST:PORT, unix:///PATH", (k, v) -> uris(k, v));
  public static final ValueCheck HOST_PORT = of("HOST:PORT ([v6]:PORT; port 0 picks a free one)", (k, v) -> hostPort(k, v));
  public static final ValueCheck RATE = of("a rate: 20MB/s, 512KiB/s", (k, v) -> {
    try {
      Rates.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(k + " must be " + e.getMessage().replace("not a rate: ", "a rate, got "));
    }
  });
  public static final ValueCheck MB_RATE = of("MB/s: 20 or 0.5 (0: unpaced)", (k, v) -> {
    if (!v.matches("\\d{1,6}(\\.\\d+)?")) {
      throw new IllegalArgumentException(k + " must be MB/s like 20 or 0.5 (0: unpaced), got '" + v + "'");
    }
  });
  public static final ValueCheck OCTAL_MODE = of("an octal file mode: 660", (k, v) -> {
    if (!v.matches("[0-7]{3,4}")) {
      throw new IllegalArgumentException(k + " must be an octal mode like 660, got '" + v + "'");
    }
  });

  /** A whole number of at least {@code min}. */
  public static ValueCheck atLeast(long min) {
    return of("a number >= " + min, (k, v) -> {
      long n;
      try {
        n = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(k + " must be a number, got '" + v + "'");
      }
      if (n < min) {
        throw new IllegalArgumentException(k + " must be at least " + min + ", got " + n);
      }
    });
  }

  /** One of {@code choices} (case ignored). */
  public static ValueCheck oneOf(String... choices) {
    List<String> c = List.of(choices);
    String list = String.join(", ", c);
    return of("one of " + list, (k, v) -> {
      if (!c.contains(v.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(k + " must be one of " + list + ", got '" + v + "'");
      }
    });
  }

  /** {@code true/yes/on} or {@code false/no/off}. */
  public static boolean bool(String key, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
    };
  }

  /** A positive duration in the syntax of {@link Durations}. */
  public static Duration duration(String key, String value) {
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (Durations.FormatException e) {
      throw new IllegalArgumentException(key + " must be a duration like 500ms, 2s, 5m, 1h; got '" + value + "'");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, got '" + value + "'");
    }
    return d;
  }

  /** Comma- or blank-separated items, blanks dropped. */
  public static List<String> list(String value) {
    return java.util.Arrays.stream(value.split("[,\\s]+")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Each item of the list as an absolute URI with a scheme. */
  public static List<URI> uris(String key, String value) {
    return list(value).stream().map(s -> {
      URI u;
      try {
        u = URI.create(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ": not a URI: '" + s + "'");
      }
      if (u.getScheme() == null || u.isOpaque()) {
        throw new IllegalArgumentException(key + ": '" + s + "' has no scheme (tcp://host:port or unix:///path)");
      }
      return u;
    }).toList();
  }

  /** {@code HOST:PORT}, {@code [v6]:PORT} or {@code :PORT} (loopback), port 0..65535. */
  public static java.net.InetSocketAddress hostPort(String key, String value) {
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(key + " must be HOST:PORT like 127.0.0.1:9420, got '" + value + "'");
    }
    String h = v.substring(0, colon);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + " must be HOST:PORT with a port 0-65535, got '" + value + "'");
    }
    return java.net.InetSocketAddress.createUnresolved(h.isEmpty() ? "127.0.0.1" : h, port);
  }

  private static ValueCheck of(String syntax, java.util.function.BiConsumer<String, String> c) {
    return new ValueCheck() {
      @Override
      public void check(String key, String value) {
        c.accept(key, value);
      }

      @Override
      public String syntax() {
        return syntax;
      }
    };
  }
}
