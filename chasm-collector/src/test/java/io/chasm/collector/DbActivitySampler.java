package io.chasm.collector;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the database does beside the timed reads of bench/collector-scale.sh: every 100 ms, on a
 * connection of its own, the other active backends (their wait and the head of their query), the
 * vacuums in progress (table, phase, heap blocks scanned) and the checkpointer's wait, kept with
 * a timestamp so that a slow sample can be laid beside what ran during it.
 */
final class DbActivitySampler implements AutoCloseable {
  /** One observation; {@code what} is empty when nothing but idle backends were seen. */
  record Sample(long epochMillis, String what) {}

  private static final String QUERY = "SELECT concat_ws(' | ',"
      + " (SELECT string_agg('vacuum ' || p.relid::regclass || ' ' || p.phase || ' ' || p.heap_blks_scanned || '/'"
      + "   || p.heap_blks_total, '; ') FROM pg_stat_progress_vacuum p),"
      + " (SELECT string_agg(a.backend_type || ' ' || coalesce(a.wait_event_type || ':' || a.wait_event, 'cpu') || ' '"
      + "   || round(extract(epoch FROM clock_timestamp() - a.query_start)::numeric * 1000) || 'ms '"
      + "   || left(regexp_replace(a.query, '\\s+', ' ', 'g'), 70), '; ') FROM pg_stat_activity a"
      + "   WHERE a.pid <> pg_backend_pid() AND a.state = 'active'),"
      + " (SELECT 'checkpointer ' || a.wait_event FROM pg_stat_activity a WHERE a.backend_type = 'checkpointer'"
      + "   AND a.wait_event IS DISTINCT FROM 'CheckpointerMain'))";

  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stop;

  DbActivitySampler(String jdbc) {
    thread = new Thread(() -> {
      try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
        while (!stop) {
          long t = System.currentTimeMillis();
          try (ResultSet rs = s.executeQuery(QUERY)) {
            rs.next();
            String what = rs.getString(1);
            synchronized (samples) {
              samples.add(new Sample(t, what == null ? "" : what));
            }
          }
          Thread.sleep(100);
        }
      } catch (Exception e) {
        synchronized (samples) {
          samples.add(new Sample(System.currentTimeMillis(), "sampler stopped: " + e));
        }
      }
    }, "db-activity-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** The non-empty observations from {@code from} to {@code to} (epoch millis), one line each. */
  List<String> between(long from, long to) {
    List<String> out = new ArrayList<>();
    synchronized (samples) {
      for (Sample s : samples) {
        if (s.epochMillis() >= from && s.epochMillis() <= to && !s.what().isEmpty()) {
          out.add(Instant.ofEpochMilli(s.epochMillis()) + " " + s.what());
        }
      }
    }
    return out;
  }

  /** How many observations saw a vacuum of {@code table} running, of all taken. */
  String vacuumShare(String table) {
    synchronized (samples) {
      long hit = samples.stream().filter(s -> s.what().contains("vacuum " + table + " ")).count();
      return hit + " of " + samples.size();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(5000);
  }
}
