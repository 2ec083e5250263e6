package io.chasm.examples.config;

/** What a key's value must look like; {@link #check} throws an {@link IllegalArgumentException} naming the key. */
public interface ValueCheck {
  void check(String key, String value);

  /** The syntax in a few words, for docs/config.md and {@code chasm config check}. */
  String syntax();
}
