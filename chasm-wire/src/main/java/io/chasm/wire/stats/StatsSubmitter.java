package io.chasm.wire.stats;

import com.google.protobuf.ByteString;
import io.chasm.api.retry.Backoff;
import io.chasm.api.trust.Signer;
import io.chasm.wire.proto.stats.SignedStatsBatch;
import io.chasm.wire.stats.internal.SnapshotStamp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends spooled stats batches to a collector ({@code POST /api/v1/batches}, tck/SPEC.md §11),
 * signing each with the mirror's key. A batch leaves the outbox only once the collector has
 * acknowledged it (any 2xx, a duplicate included), so running this from cron, in a loop, or again
 * after a crash never loses a batch; the collector's dedup makes resending harmless.
 *
 * <p>What the answers mean here: 2xx acknowledged; 400, 409, 413 mean this batch can never be
 * accepted, so it is set aside ({@link Outbox#reject}) and the next one is tried; 401, 403, 404
 * mean the mirror or URL is misconfigured, so the run stops with every batch kept; 408, 429, 5xx
 * and network errors are retried with exponential backoff and jitter (never sooner than a 429's or
 * 503's {@code Retry-After} asks, up to five minutes), and after the last attempt
 * the run stops with the batch kept for next time.
 *
 * <pre>{@code
 *   StatsSubmitter.Report sent = new StatsSubmitter(collector, mirrorKey).drain(new DirectoryOutbox(spool));
 * }</pre>
 *
 * <p>Runnable: docs/samples.md, "Submit to a collector".
 */
public final class StatsSubmitter {
  private static final Logger LOG = LoggerFactory.getLogger(StatsSubmitter.class);

  /** Where batches wait until acknowledged. */
  public interface Outbox {
    /** Batches waiting, oldest first. */
    List<Pending> pending() throws IOException;

    /** The collector has the batch: forget it. */
    void acknowledge(Pending batch) throws IOException;

    /** The collector will never take this batch: keep it aside for a person to look at. */
    void reject(Pending batch, String reason) throws IOException;
  }

  /** One waiting batch: a name for messages and the exact StatsBatch bytes. */
  public record Pending(String name, byte[] statsBatch) {
    public Pending {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(statsBatch, "statsBatch");
    }
  }

  /** How one attempt ended. */
  public enum Status {
    ACKNOWLEDGED,
    /** Never acceptable (400, 409, 413). */
    REJECTED,
    /** Key or URL problem (401, 403, 404...): stop, keep everything. */
    FATAL,
    /** Transient (408, 429, 5xx, network). */
    RETRY
  }

  /**
   * @param retryAfter how long the collector asked to be left alone ({@code Retry-After} of a 429
   *     or 503, SPEC §11.21), zero when it did not say
   */
  public record Attempt(Status status, int httpStatus, String message, Duration retryAfter) {
    public Attempt {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public Attempt(Status status, int httpStatus, String message) {
      this(status, httpStatus, message, Duration.ZERO);
    }
  }

  // A collector's Retry-After is honoured up to this; a larger value (or a clock far off) would
  // otherwise park a cron run for hours, and the batch stays in the spool for the next run anyway.
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  /** Totals of one {@link #drain} run. */
  public record Report(int acknowledged, int rejected, int remaining, String stoppedBecause) {
    public boolean complete() {
      return remaining == 0 && stoppedBecause == null;
    }
  }

  /** Six attempts, 1 s doubling to 60 s, full jitter: what {@link #StatsSubmitter(URI, Signer)} uses. */
  public static final Backoff DEFAULT_BACKOFF =
      Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(60)).withFullJitter().withMaxAttempts(6);

  /** Sleeping, replaceable in tests. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final URI endpoint;
  private final Signer signer;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final HttpClient http;
  private final ServedSnapshot.Source served;

  /**
   * @param collector base URL of the collector, e.g. {@code https://stats.example.org/}
   */
  public StatsSubmitter(URI collector, Signer signer, Backoff backoff, Sleeper sleeper) {
    String base = collector.toString();
    this.endpoint = URI.create(base.endsWith("/") ? base + "api/v1/batches" : base + "/api/v1/batches");
    if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
      throw new IllegalArgumentException("collector URL must be http:// or https://, got " + collector);
    }
    this.signer = Objects.requireNonNull(signer, "signer");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.served = Optional::empty;
  }

  private StatsSubmitter(StatsSubmitter base, ServedSnapshot.Source served) {
    this.endpoint = base.endpoint;
    this.signer = base.signer;
    this.backoff = base.backoff;
    this.sleeper = base.sleeper;
    this.http = base.http;
    this.served = Objects.requireNonNull(served, "served");
  }

  /**
   * A submitter that reports the mirror's current snapshot with every batch it sends (SPEC
   * §11.19), asking {@code served} once per {@link #drain}.
   */
  public StatsSubmitter withServedSnapshot(ServedSnapshot.Source served) {
    return new StatsSubmitter(this, served);
  }

  public StatsSubmitter(URI collector, Signer signer) {
    this(collector, signer, DEFAULT_BACKOFF, d -> Thread.sleep(d.toMillis()));
  }

  /** The SignedStatsBatch body for {@code statsBatch}: its exact bytes, the key, the signature. */
  public byte[] sign(byte[] statsBatch) {
    return SignedStatsBatch.newBuilder()
        .setBatch(ByteString.copyFrom(statsBatch))
        .setSignatureAlgorithm(signer.publicKey().algorithm().code())
        .setPublicKey(ByteString.copyFrom(signer.publicKey().raw()))
        .setSignature(ByteString.copyFrom(signer.sign(statsBatch)))
        .build()
        .toByteArray();
  }

  /** One POST of one batch, classified. Never throws for HTTP or network trouble. */
  public Attempt send(byte[] statsBatch) throws InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(sign(statsBatch)))
        .build();
    HttpResponse<String> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Attempt(Status.RETRY, 0, "cannot reach " + endpoint + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
    int code = resp.statusCode();
    String body = resp.body() == null ? "" : resp.body().strip();
    String msg = "HTTP " + code + (body.isEmpty() ? "" : " " + (body.length() > 200 ? body.substring(0, 200) : body));
    Status s;
    if (code >= 200 && code < 300) {
      s = Status.ACKNOWLEDGED;
    } else if (code == 400 || code == 409 || code == 413 || code == 422) {
      s = Status.REJECTED;
    } else if (code == 408 || code == 429 || code >= 500) {
      s = Status.RETRY;
    } else {
      s = Status.FATAL;
    }
    Duration wait = s == Status.RETRY ? retryAfter(resp.headers().firstValue("Retry-After").orElse(null)) : Duration.ZERO;
    return new Attempt(s, code, msg.replace('\n', ' '), wait);
  }

  /** Delay-seconds or an HTTP-date (RFC 9110 §10.2.3), capped at {@link #MAX_RETRY_AFTER}; zero when absent or unreadable. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return Duration.ZERO;
    }
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(header.strip()));
    } catch (NumberFormatException notSeconds) {
      try {
        d = Duration.between(Instant.now(), ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException unreadable) {
        return Duration.ZERO;
      }
    }
    return d.isNegative() ? Duration.ZERO : d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }

  /**
   * Sends every pending batch, oldest first, until the outbox is empty or the run has to stop.
   *
   * @throws IOException if the outbox cannot be read or updated
   */
  public Report drain(Outbox outbox) throws IOException, InterruptedException {
    int acked = 0;
    int rejected = 0;
    List<Pending> pending = outbox.pending();
    Optional<ServedSnapshot> now = pending.isEmpty() ? Optional.empty() : served.current();
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      byte[] body = now.map(s -> SnapshotStamp.stamp(p.statsBatch(), s.repository(), s.sequence(), s.createdUnix()))
          .orElse(p.statsBatch());
      Attempt a = null;
      for (int attempt = 1; attempt <= backoff.maxAttempts(); attempt++) {
        a = send(body);
        if (a.status() != Status.RETRY) {
          break;
        }
        LOG.info("batch {}: {} (attempt {}/{})", p.name(), a.message(), attempt, backoff.maxAttempts());
        if (attempt < backoff.maxAttempts()) {
          Duration delay = backoff.delay(attempt);
          sleeper.sleep(a.retryAfter().compareTo(delay) > 0 ? a.retryAfter() : delay);
        }
      }
      switch (a.status()) {
        case ACKNOWLEDGED -> {
          outbox.acknowledge(p);
          acked++;
        }
        case REJECTED -> {
          LOG.warn("batch {} refused for good: {}", p.name(), a.message());
          outbox.reject(p, a.message());
          rejected++;
        }
        case FATAL, RETRY -> {
          return new Report(acked, rejected, pending.size() - i, "batch " + p.name() + ": " + a.message());
        }
      }
    }
    return new Report(acked, rejected, 0, null);
  }
}
