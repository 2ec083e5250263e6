package io.chasm.wire.http.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Tree paths as URLs under a mirror's root: each path segment percent-encoded (RFC 3986). */
public final class UrlPaths {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private UrlPaths() {}

  /** The root as a directory URI (with a trailing slash), so paths resolve below it. */
  public static URI directory(URI root) {
    String s = root.toString();
    return s.endsWith("/") ? root : URI.create(s + "/");
  }

  /** {@code path} ({@code /}-separated, relative) below {@code root}; every byte but unreserved ones escaped. */
  public static URI resolve(URI root, String path) {
    StringBuilder b = new StringBuilder(directory(root).toString());
    for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
          || c == '~' || c == '/') {
        b.append((char) c);
      } else {
        b.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
      }
    }
    return URI.create(b.toString());
  }
}
