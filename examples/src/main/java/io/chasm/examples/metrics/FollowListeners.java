package io.chasm.examples.metrics;

import io.chasm.wire.follow.FollowListener;
import io.chasm.wire.sync.SyncResult;
import java.net.URI;
import java.time.Duration;

/** Two {@link FollowListener}s as one (a follower takes one): the log and the metrics. */
public final class FollowListeners implements FollowListener {
  private final FollowListener a;
  private final FollowListener b;

  private FollowListeners(FollowListener a, FollowListener b) {
    this.a = a;
    this.b = b;
  }

  /** {@code a} then {@code b}; {@code b} may be null. */
  public static FollowListener both(FollowListener a, FollowListener b) {
    return b == null ? a : new FollowListeners(a, b);
  }

  @Override
  public void subscribed(URI upstream, String repository) {
    a.subscribed(upstream, repository);
    b.subscribed(upstream, repository);
  }

  @Override
  public void subscribeFailed(URI upstream, Exception cause, Duration retryIn) {
    a.subscribeFailed(upstream, cause, retryIn);
    b.subscribeFailed(upstream, cause, retryIn);
  }

  @Override
  public void subscriptionEnded(URI upstream, Throwable cause) {
    a.subscriptionEnded(upstream, cause);
    b.subscriptionEnded(upstream, cause);
  }

  @Override
  public void pushed(URI upstream, long sequence, boolean newest) {
    a.pushed(upstream, sequence, newest);
    b.pushed(upstream, sequence, newest);
  }

  @Override
  public void pushUndecodable(URI upstream, Exception cause) {
    a.pushUndecodable(upstream, cause);
    b.pushUndecodable(upstream, cause);
  }

  @Override
  public void syncStarted(String why) {
    a.syncStarted(why);
    b.syncStarted(why);
  }

  @Override
  public void synced(SyncResult result, String why) {
    a.synced(result, why);
    b.synced(result, why);
  }

  @Override
  public void syncFailed(String why, Exception cause, Duration retryIn) {
    a.syncFailed(why, cause, retryIn);
    b.syncFailed(why, cause, retryIn);
  }

  @Override
  public void announceFailed(Exception cause) {
    a.announceFailed(cause);
    b.announceFailed(cause);
  }

  @Override
  public void closed() {
    a.closed();
    b.closed();
  }
}
