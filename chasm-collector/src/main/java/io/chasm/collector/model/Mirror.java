package io.chasm.collector.model;

import io.chasm.api.trust.PublicKey;
import java.util.Optional;

/**
 * A mirror enrolled at the collector: its batches are accepted when signed by {@code publicKey}
 * and carry {@code name} as their mirror id.
 *
 * @param project when present, the only project this mirror's rows may count for
 * @param lastBatchUnix time of its last accepted batch, 0 if none yet
 */
public record Mirror(
    long id,
    String name,
    PublicKey publicKey,
    Optional<String> project,
    long enrolledUnix,
    Optional<Long> revokedUnix,
    long lastBatchUnix,
    long batches) {

  public boolean revoked() {
    return revokedUnix.isPresent();
  }
}
