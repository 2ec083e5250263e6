package io.chasm.collector;

import io.chasm.collector.model.BatchRejectedException;
import io.chasm.collector.model.IngestOutcome;

/**
 * Observes submissions as {@link CollectorStore#ingest} decides them (a daemon's metrics), so the
 * collector itself needs no metrics library. Called on the request's thread: keep it quick.
 */
public interface IngestListener {
  IngestListener NONE = new IngestListener() {};

  /** A batch was accepted ({@link IngestOutcome#duplicate()} when it had been before) after {@code nanos}. */
  default void accepted(IngestOutcome outcome, long nanos) {}

  /** A batch was refused for {@code reason}; nothing was counted. */
  default void refused(BatchRejectedException.Reason reason, long nanos) {}
}
