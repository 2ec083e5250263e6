package io.chasm.examples.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The effective settings of one process: every key's default, overlaid by the config file, overlaid
 * by the command line; each value remembers where it came from, so an error (or {@code chasm
 * config check}) can name the FILE:LINE. Every value is checked when loaded: an unknown key (with
 * the nearest known one), a bad value, a key set twice in the file are a {@link ConfigException}.
 */
public final class Settings {
  /** A value and where it was set: "default", "FILE:LINE" or "command line". */
  public record Setting(String value, String source) {}

  private final Path file;
  private final Map<String, Setting> values;

  private Settings(Path file, Map<String, Setting> values) {
    this.file = file;
    this.values = values;
  }

  /**
   * Loads {@code file} (null: defaults only) and applies {@code overrides} (from flags) on top.
   *
   * @throws IOException if the file cannot be read
   * @throws ConfigException for an unknown key, a bad value or a key set twice
   */
  public static Settings load(Path file, Map<String, String> overrides) throws IOException {
    Map<String, Setting> v = new LinkedHashMap<>();
    for (ConfigKey k : ConfigKeys.all()) {
      v.put(k.name(), new Setting(k.defaultValue(), "default"));
    }
    if (file != null) {
      Map<String, Integer> seen = new LinkedHashMap<>();
      for (ConfigFile.Entry e : readFile(file)) {
        String where = file + ":" + e.line();
        Integer before = seen.put(e.key(), e.line());
        if (before != null) {
          throw new ConfigException(where, e.key(), "'" + e.key() + "' is already set on line " + before + ": keep one of the two");
        }
        put(v, e.key(), e.value(), where);
      }
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      put(v, e.getKey(), e.getValue(), "command line");
    }
    return new Settings(file, v);
  }

  private static java.util.List<ConfigFile.Entry> readFile(Path file) throws IOException {
    try {
      return ConfigFile.read(file);
    } catch (ConfigException e) {
      throw e.where().startsWith("line ")
          ? new ConfigException(file + ":" + e.where().substring(5), e.key(), e.getMessage().substring(e.where().length() + 2))
          : e;
    }
  }

  private static void put(Map<String, Setting> v, String key, String value, String where) {
    ConfigKey k = ConfigKeys.find(key).orElseThrow(() -> new ConfigException(where, key,
        "unknown setting '" + key + "'" + ConfigKeys.suggest(key).map(s -> " (did you mean '" + s + "'?)").orElse("")
            + "; the keys are listed in docs/config.md or by chasm config keys"));
    String trimmed = value.trim();
    try {
      k.check(trimmed);
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where, key, e.getMessage());
    }
    v.put(key, new Setting(trimmed, where));
  }

  /** The config file, or null. */
  public Path file() {
    return file;
  }

  /** The value of {@code key} ("" when unset). */
  public String get(String key) {
    return setting(key).value();
  }

  public boolean isSet(String key) {
    return !get(key).isEmpty();
  }

  /** Where {@code key}'s value came from. */
  public String source(String key) {
    return setting(key).source();
  }

  /** Every key and its effective value and source, in documentation order. */
  public Map<String, Setting> all() {
    return java.util.Collections.unmodifiableMap(values);
  }

  /**
   * The value of a key the caller cannot run without.
   *
   * @param flag the command-line flag that also sets it, for the message
   * @throws ConfigException naming the file, the key and the flag when it is unset
   */
  public String require(String key, String flag) {
    if (!isSet(key)) {
      String where = file == null ? "command line" : file.toString();
      throw new ConfigException(where, key, "missing required key '" + key + "': set it in the config file or pass " + flag);
    }
    return get(key);
  }

  /**
   * A {@link ConfigException} for a problem found after loading (two keys that do not go
   * together, a value the process cannot use), at the place {@code key} was set.
   */
  public ConfigException error(String key, String problem) {
    String src = source(key);
    return new ConfigException(src.equals("default") ? (file == null ? "command line" : file.toString()) : src, key, problem);
  }

  private Setting setting(String key) {
    Setting s = values.get(key);
    if (s == null) {
      throw new IllegalArgumentException("no such config key: " + key);
    }
    return s;
  }
}
