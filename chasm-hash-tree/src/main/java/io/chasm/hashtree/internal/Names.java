package io.chasm.hashtree.internal;

import java.nio.charset.StandardCharsets;

/** Entry names and paths as they appear in messages. */
public final class Names {
  private Names() {}

  /** The name for messages: UTF-8 with control characters and invalid bytes replaced. */
  public static String display(byte[] n) {
    String s = new String(n, StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length() && sb.length() < 200; i++) {
      char c = s.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    return sb.toString();
  }
}
