package io.chasm.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The [Service] settings of a systemd unit file, as systemd reads them: one list of values per key
 * (Environment and ReadWritePaths may repeat; an empty assignment resets the list), comments and
 * other sections ignored, backslash-newline continuations joined.
 */
final class UnitFile {
  private final Map<String, List<String>> service;

  private UnitFile(Map<String, List<String>> service) {
    this.service = service;
  }

  static UnitFile read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  static UnitFile parse(String text) {
    Map<String, List<String>> service = new LinkedHashMap<>();
    String section = "";
    for (String line : text.replace("\\\n", " ").split("\n")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
        continue;
      }
      if (t.startsWith("[") && t.endsWith("]")) {
        section = t.substring(1, t.length() - 1);
        continue;
      }
      int eq = t.indexOf('=');
      if (!section.equals("Service") || eq < 0) {
        continue;
      }
      String key = t.substring(0, eq).strip();
      String value = t.substring(eq + 1).strip();
      List<String> values = service.computeIfAbsent(key, k -> new ArrayList<>());
      if (value.isEmpty()) {
        values.clear();
      } else {
        values.add(value);
      }
    }
    return new UnitFile(service);
  }

  /** The last value of {@code key}, or {@code fallback}. */
  String get(String key, String fallback) {
    List<String> v = service.get(key);
    return v == null || v.isEmpty() ? fallback : v.get(v.size() - 1);
  }

  /** Every value of {@code key}, each split at white space (systemd's lists: ReadWritePaths=A B). */
  List<String> words(String key) {
    List<String> all = new ArrayList<>();
    for (String v : service.getOrDefault(key, List.of())) {
      for (String w : v.split("\\s+")) {
        if (!w.isEmpty()) {
          all.add(w);
        }
      }
    }
    return all;
  }

  /** Environment= assignments, in order (a later one wins); values may not hold spaces here. */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String w : words("Environment")) {
      int eq = w.indexOf('=');
      env.put(w.substring(0, eq), w.substring(eq + 1));
    }
    return env;
  }

  /** ExecStart's command line split at white space (the units quote nothing). */
  List<String> execStart() {
    String cmd = get("ExecStart", null);
    if (cmd == null) {
      throw new IllegalStateException("no ExecStart");
    }
    return List.of(cmd.replaceFirst("^[-@:+!]+", "").split("\\s+"));
  }
}
