package io.chasm.examples.config;

import java.util.Objects;

/**
 * One key of the config file: its name ({@code section.name}; the section is the daemon or part
 * that reads it), its default ("" = unset), its meaning as documented in docs/config.md, and the
 * check its value must pass.
 */
public record ConfigKey(String name, String defaultValue, String meaning, ValueCheck check) {
  public ConfigKey {
    Objects.requireNonNull(name);
    Objects.requireNonNull(defaultValue);
    Objects.requireNonNull(meaning);
    Objects.requireNonNull(check);
  }

  /** The part before the first dot ("" for the node-wide keys such as {@code tree}). */
  public String section() {
    int dot = name.indexOf('.');
    return dot < 0 ? "" : name.substring(0, dot);
  }

  /** Checks a value; an empty value (unset) always passes, required keys are checked by their reader. */
  public void check(String value) {
    if (!value.isEmpty()) {
      check.check(name, value);
    }
  }

  /** What a value must look like, for the docs. */
  public String syntax() {
    return check.syntax();
  }
}
