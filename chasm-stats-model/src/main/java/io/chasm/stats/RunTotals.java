package io.chasm.stats;

import java.util.ArrayList;
import java.util.List;

/** Line counters of a scan (or of one batch's bytes). Mutable; merged from the workers. */
public final class RunTotals {
  /** At most this many rejected-line samples are kept. */
  public static final int MAX_SAMPLES = 10;

  public long linesTotal;
  public long linesRejected;
  public long nonRequestLines;
  public long bytesTotal;
  public long status2xx, status3xx, status4xx, status5xx;
  public long botRequests;
  /** Requests whose day was already closed: counted, but not in unique counts. */
  public long lateLines;
  /** Samples of rejected lines: reason and position, never the line's text (it holds addresses). */
  public final List<String> rejectedSamples = new ArrayList<>();

  public void countStatus(int status) {
    switch (status / 100) {
      case 2: status2xx++; break;
      case 3: status3xx++; break;
      case 4: status4xx++; break;
      case 5: status5xx++; break;
      default: break;
    }
  }

  public void sample(String s) {
    if (rejectedSamples.size() < MAX_SAMPLES) {
      rejectedSamples.add(s);
    }
  }

  public void add(RunTotals o) {
    linesTotal += o.linesTotal;
    linesRejected += o.linesRejected;
    nonRequestLines += o.nonRequestLines;
    bytesTotal += o.bytesTotal;
    status2xx += o.status2xx;
    status3xx += o.status3xx;
    status4xx += o.status4xx;
    status5xx += o.status5xx;
    botRequests += o.botRequests;
    lateLines += o.lateLines;
    for (String s : o.rejectedSamples) {
      sample(s);
    }
  }
}
