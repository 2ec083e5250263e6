package io.chasm.examples.collector;

import io.chasm.api.retry.Backoff;
import io.chasm.collector.CollectorConfig;
import io.chasm.collector.server.CollectorServer;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.wire.stats.DirectoryOutbox;
import io.chasm.wire.stats.StatsSubmitter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The collector half of {@code chasm demo}: an embedded collector on a free loopback port with a
 * fresh SQLite database and one enrolled demo mirror, and the submission of a spool the agent
 * wrote. {@link #close()} stops it (for {@code --no-wait}); otherwise it runs until the JVM exits.
 */
public final class CollectorDemo implements AutoCloseable {
  /** The mirror name the demo's agent must put in its batches' mirror_id. */
  public static final String MIRROR = "demo-mirror";

  private final CollectorServer server;
  private final Ed25519Signer mirrorKey;

  private CollectorDemo(CollectorServer server, Ed25519Signer mirrorKey) {
    this.server = server;
    this.mirrorKey = mirrorKey;
  }

  /**
   * Starts a collector keeping its database in {@code dataDir}, with privacy threshold {@code
   * privacyThreshold} (the sample log is small: the demo may pass 0 to show every row).
   */
  public static CollectorDemo start(Path dataDir, int privacyThreshold) throws IOException, SQLException {
    CollectorServer server = CollectorServer.start(
        CollectorConfig.defaults(dataDir).withListen("127.0.0.1", 0).withPrivacyThreshold(privacyThreshold));
    try {
      Ed25519Signer key = Ed25519.generate();
      server.store().enrol(MIRROR, key.publicKey(), Optional.empty());
      return new CollectorDemo(server, key);
    } catch (SQLException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** Address of the website, e.g. {@code http://127.0.0.1:41234/}. */
  public URI uri() {
    return server.uri();
  }

  /** The demo mirror's key, for an agent that signs itself. */
  public Ed25519Signer mirrorKey() {
    return mirrorKey;
  }

  /** Sends every {@code *.batch} in {@code spool} (batches naming {@link #MIRROR}) and returns the outcome. */
  public StatsSubmitter.Report submit(Path spool) throws IOException, InterruptedException {
    StatsSubmitter s = new StatsSubmitter(server.uri(), mirrorKey,
        Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(500)).withFullJitter().withMaxAttempts(3), d -> Thread.sleep(d.toMillis()));
    return s.drain(new DirectoryOutbox(spool));
  }

  /** Signs and submits one StatsBatch directly. */
  public StatsSubmitter.Attempt submit(byte[] statsBatch) throws InterruptedException {
    return new StatsSubmitter(server.uri(), mirrorKey).send(statsBatch);
  }

  @Override
  public void close() {
    server.close();
  }
}
