package io.chasm.collector.internal;

import io.chasm.collector.internal.StatsRows.Agg;
import io.chasm.collector.internal.StatsRows.RowKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Week and month sketches for data from agents that send none (batch format before WEEK and
 * MONTH rows, and the data a collector held before schema 2): the union of the DAY sketches in
 * the window. Those agents keyed clients with a secret per day, so such a figure counts a client
 * once per day it came back; docs/collector.md says so.
 */
public final class LegacyWindows {
  private LegacyWindows() {}

  /** WEEK and MONTH rows (counters 0) whose sketches unite the DAY rows' sketches in each window. */
  public static TreeMap<RowKey, Agg> derive(Map<RowKey, Agg> rows) {
    TreeMap<RowKey, List<byte[]>> parts = new TreeMap<>();
    for (var e : rows.entrySet()) {
      RowKey k = e.getKey();
      byte[] sketch = e.getValue().sketch();
      if (k.granularity() != Windows.DAY || sketch == null || sketch.length == 0) {
        continue;
      }
      for (int kind : new int[] {Windows.WEEK, Windows.MONTH}) {
        RowKey w = new RowKey(kind, k.project(), Windows.startOf(kind, k.periodStart()), k.artifact(), k.type(),
            k.protocol());
        parts.computeIfAbsent(w, x -> new ArrayList<>()).add(sketch);
      }
    }
    TreeMap<RowKey, Agg> out = new TreeMap<>();
    parts.forEach((k, sketches) -> out.put(k, new Agg(0, 0, 0, Sketches.union(sketches))));
    return out;
  }
}
