package io.chasm.wire.sync.internal;

import java.util.List;

/**
 * One batch request in flight at one source. The scheduler's thread alone reads and writes the
 * flags; the source's thread sets the outcome before it queues the flight as done.
 */
final class Flight {
  final Upstream source;
  final List<io.chasm.api.Hash> ids;
  final long started;
  /** A copy of another source's late batch (end game): not copied again. */
  final boolean copy;
  BatchAnswers answers;
  volatile Throwable error;
  /** The request outlived its timeout: its ids went back to the queue for others, it still holds its slot. */
  boolean timedOut;
  /** Its ids were handed back (timeout, completion, ban): not again. */
  boolean released;
  /** Answered or given up: it holds no slot and its late completion is ignored. */
  boolean retired;
  /** An end-game copy of its ids went to another source. */
  boolean copied;

  Flight(Upstream source, List<io.chasm.api.Hash> ids, long started, boolean copy) {
    this.source = source;
    this.ids = ids;
    this.started = started;
    this.copy = copy;
  }
}
