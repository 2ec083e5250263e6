package io.chasm.stats.internal;

import io.chasm.stats.ClassificationRules;
import java.util.HashMap;
import java.util.Map;

/**
 * (project, path, type) of each artifact name, shared by a scan's aggregators: an artifact is
 * classified once per run, and every row of it carries the same String instances, so the step's
 * row lookups compare keys by reference. Bounded by distinct artifacts, like the aggregators'
 * tables.
 */
public final class ArtifactCatalog {
  private static final char GIT_MARK = 1;
  private final ClassificationRules rules;
  private final Map<String, String[]> byName = new HashMap<>();

  public ArtifactCatalog(ClassificationRules rules) {
    this.rules = rules;
  }

  /** {project, path, type} of a normalised name (a leading 0x01 marks a git repository). */
  public synchronized String[] classify(String name) {
    String[] c = byName.get(name);
    if (c == null) {
      boolean git = !name.isEmpty() && name.charAt(0) == GIT_MARK;
      String path = git ? name.substring(1) : name;
      String type = git ? "git-clone" : rules.type(path);
      c = new String[] {rules.project(path, null), path, type};
      byName.put(name, c);
    }
    return c;
  }
}
