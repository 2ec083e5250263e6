package io.chasm.examples.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Reads a config file in the Java properties syntax ({@code key = value}, {@code #} or {@code !}
 * comments, a trailing backslash continues a line) keeping the line each entry starts on, which
 * {@link Properties} itself forgets. Each logical line is still parsed by {@link Properties}, so
 * escapes and separators mean exactly what they always meant.
 */
public final class ConfigFile {
  /** One {@code key = value} of the file, at 1-based {@code line}. */
  public record Entry(String key, String value, int line) {}

  private ConfigFile() {}

  /**
   * The entries of {@code file} in file order.
   *
   * @throws IOException if it cannot be read
   * @throws ConfigException if it is not UTF-8 text
   */
  public static List<Entry> read(Path file) throws IOException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ConfigException(file.toString(), "", "not UTF-8 text: write the config file in UTF-8");
    }
    return parse(text);
  }

  /** The entries of {@code text}. */
  public static List<Entry> parse(String text) {
    List<Entry> out = new ArrayList<>();
    String[] lines = text.split("\r\n|\r|\n", -1);
    int i = 0;
    while (i < lines.length) {
      int start = i;
      String line = lines[i++];
      String trimmed = line.stripLeading();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
        continue;
      }
      StringBuilder logical = new StringBuilder(line);
      while (continues(lines[i - 1]) && i < lines.length) {
        logical.append('\n').append(lines[i++]);
      }
      Properties p = new Properties();
      try {
        p.load(new StringReader(logical.toString()));
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException("line " + (start + 1), "", "cannot parse: " + e.getMessage());
      }
      for (String k : p.stringPropertyNames()) {
        out.add(new Entry(k, p.getProperty(k), start + 1));
      }
    }
    return out;
  }

  /** An odd number of trailing backslashes continues the line (an even number is escaped backslashes). */
  private static boolean continues(String line) {
    int n = 0;
    for (int j = line.length() - 1; j >= 0 && line.charAt(j) == '\\'; j--) {
      n++;
    }
    return n % 2 == 1;
  }
}
