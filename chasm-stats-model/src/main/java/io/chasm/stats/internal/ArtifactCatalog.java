package io.chasm.stats.internal;

import io.chasm.stats.ClassificationRules;
import java.util.HashMap;
import java.util.Map;

/**
 * The artifacts of one scan, shared by its aggregators: each is classified once per run and gets
 * a dense id, and every row of it carries the same String instances, so the step hand-over can
 * index flat arrays by id and compare keys by reference. Bounded by distinct artifacts, like the
 * aggregators' tables.
 */
public final class ArtifactCatalog {
  private static final char GIT_MARK = 1;

  /** One classified artifact. */
  public static final class Artifact {
    /** Dense, from 0, in order of first classification. */
    public final int id;
    /** Dense id of {@link #path}: a git repository and a plain path of the same name share it. */
    public final int pathId;
    public final String project;
    public final String path;
    public final String type;
    /** The normalised name it was classified from (a leading 0x01 marks a git repository). */
    public final String name;

    Artifact(int id, int pathId, String project, String path, String type, String name) {
      this.name = name;
      this.id = id;
      this.pathId = pathId;
      this.project = project;
      this.path = path;
      this.type = type;
    }
  }

  private final ClassificationRules rules;
  private final Map<String, Artifact> byName = new HashMap<>();
  private final Map<String, Integer> pathIds = new HashMap<>();

  public ArtifactCatalog(ClassificationRules rules) {
    this.rules = rules;
  }

  /** The artifact of a normalised name (a leading 0x01 marks a git repository). */
  public synchronized Artifact classify(String name) {
    Artifact a = byName.get(name);
    if (a == null) {
      boolean git = !name.isEmpty() && name.charAt(0) == GIT_MARK;
      String path = git ? name.substring(1) : name;
      String type = git ? "git-clone" : rules.type(path);
      Integer pathId = pathIds.get(path);
      if (pathId == null) {
        pathId = pathIds.size();
        pathIds.put(path, pathId);
      }
      a = new Artifact(byName.size(), pathId, rules.project(path, null), path, type, name);
      byName.put(name, a);
    }
    return a;
  }
}
