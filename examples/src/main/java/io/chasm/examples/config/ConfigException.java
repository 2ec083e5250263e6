package io.chasm.examples.config;

/**
 * A config file or a setting is wrong: the message names where (FILE:LINE, or the command line),
 * the key, what is wrong and what to do. Unchecked so that the commands' one-line error handler
 * prints it and exits 2.
 */
public final class ConfigException extends IllegalArgumentException {
  private final String where;
  private final String key;

  public ConfigException(String where, String key, String problem) {
    super(where + ": " + problem);
    this.where = where;
    this.key = key;
  }

  /** FILE:LINE, FILE, or "command line". */
  public String where() {
    return where;
  }

  /** The key at fault. */
  public String key() {
    return key;
  }
}
