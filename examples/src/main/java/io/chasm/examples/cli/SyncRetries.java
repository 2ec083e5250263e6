package io.chasm.examples.cli;

import io.chasm.api.TransportException;
import io.chasm.api.retry.Backoff;
import io.chasm.wire.ErrorCode;
import io.chasm.wire.PeerErrorException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code chasm sync}'s retries: a sync that failed because no upstream would serve it now (every
 * one busy, failing or unreachable) is run again after a wait, as a mirror's cron job would
 * otherwise do at its next slot. Each attempt resumes from the chunks the last one verified and
 * staged, so a retry costs only what is still missing. A failed check (bad signature, tampered
 * data) or a local error is never retried: waiting would not change it.
 */
final class SyncRetries {
  /** The longest wait between two attempts, however many failed. */
  static final Duration MAX_WAIT = Duration.ofMinutes(5);

  /** Sleeps (replaced in tests). */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private SyncRetries() {}

  /** Doubling from {@code firstWait}, full jitter, {@code retries} retries after the first attempt. */
  static Backoff backoff(Duration firstWait, int retries) {
    Duration first = firstWait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : firstWait;
    return Backoff.exponential(first, MAX_WAIT).withFullJitter().withMaxAttempts(retries + 1);
  }

  /**
   * Whether waiting could change the outcome: the upstreams said so, or could not be reached. A
   * certificate that does not verify (untrusted, expired, another host's) will not verify later,
   * nor will a malformed address become one.
   */
  static boolean retryable(Exception e) {
    if (e instanceof PeerErrorException p) {
      return p.code() == ErrorCode.UNAVAILABLE || p.code() == ErrorCode.INTERNAL;
    }
    return e instanceof TransportException && !permanentCause(e);
  }

  private static boolean permanentCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateException || t instanceof CertPathValidatorException || t instanceof IllegalArgumentException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code sync} until it succeeds, fails with an error that is not {@link #retryable}, or
   * {@code backoff} allows no more attempts; then rethrows the last error. Before each wait one
   * line goes to {@code say}.
   */
  static <T> T run(Callable<T> sync, Backoff backoff, Sleeper sleeper, Consumer<String> say) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return sync.call();
      } catch (Exception e) {
        if (!retryable(e) || !backoff.mayRetryAfter(attempt)) {
          throw e;
        }
        Duration wait = backoff.delay(attempt);
        say.accept("chasm: " + e.getMessage() + "; trying again in " + seconds(wait) + " (retry " + attempt + " of "
            + (backoff.maxAttempts() - 1) + ")");
        sleeper.sleep(wait.toMillis());
      }
    }
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
