package io.chasm.examples.common;

import io.chasm.hashtree.index.IndexResult;
import java.util.LinkedHashMap;
import java.util.Map;

/** An index run's figures as the {@code index} member of {@code --json} output (and of a daemon's publish reply). */
public final class IndexSummary {
  private IndexSummary() {}

  public static Map<String, Object> of(IndexResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("root", r.rootTree().toString());
    m.put("files", r.files());
    m.put("directories", r.directories());
    m.put("symlinks", r.symlinks());
    m.put("bytes", r.bytes());
    m.put("chunks", r.chunks());
    m.put("rehashed_files", r.rehashedFiles());
    m.put("rehashed_bytes", r.rehashedBytes());
    m.put("seconds", r.elapsed().toNanos() / 1e9);
    m.put("warnings", r.warnings());
    return m;
  }
}
