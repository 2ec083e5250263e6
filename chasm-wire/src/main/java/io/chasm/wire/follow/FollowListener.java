package io.chasm.wire.follow;

import io.chasm.wire.sync.SyncResult;
import java.net.URI;
import java.time.Duration;

/**
 * Observes a {@link Follower}: what a daemon logs or shows on a status page. Every method has an
 * empty default. Called on the follower's threads (a sync event on its sync thread, a subscription
 * event on its timer or the client's callback thread); keep each call short and never throw.
 */
public interface FollowListener {
  FollowListener NONE = new FollowListener() {};

  /** A subscription to {@code upstream} is open. */
  default void subscribed(URI upstream, String repository) {}

  /** Subscribing at {@code upstream} failed; the next try is in {@code retryIn}. */
  default void subscribeFailed(URI upstream, Exception cause, Duration retryIn) {}

  /** The subscription at {@code upstream} ended ({@code cause} null if closed cleanly); a reconnect follows. */
  default void subscriptionEnded(URI upstream, Throwable cause) {}

  /**
   * {@code upstream} pushed head {@code sequence} (unverified: the sync verifies what it fetches).
   *
   * @param newest true if no upstream had pushed this sequence or a higher one before
   */
  default void pushed(URI upstream, long sequence, boolean newest) {}

  /** {@code upstream} pushed something that is not a signed snapshot; it is ignored. */
  default void pushUndecodable(URI upstream, Exception cause) {}

  /** A sync starts; {@code why} says what asked for it ("start", "timer", "retry", "push #N from URI"). */
  default void syncStarted(String why) {}

  /** A sync finished; {@link SyncResult#upToDate()} tells whether anything changed. */
  default void synced(SyncResult result, String why) {}

  /** A sync failed; another is tried in {@code retryIn} (sooner if a push arrives). */
  default void syncFailed(String why, Exception cause, Duration retryIn) {}

  /** The sync succeeded but the new head could not be announced. */
  default void announceFailed(Exception cause) {}

  /** The follower has stopped. */
  default void closed() {}
}
