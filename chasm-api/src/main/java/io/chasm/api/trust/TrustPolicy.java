package io.chasm.api.trust;

import io.chasm.api.Hash;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which keys may sign, and how many distinct ones must: a k-of-n threshold. Validated on
 * construction, so a policy that exists is usable.
 */
public final class TrustPolicy {
  private final Map<Hash, PublicKey> keys;
  private final int threshold;

  private TrustPolicy(Map<Hash, PublicKey> keys, int threshold) {
    this.keys = keys;
    this.threshold = threshold;
  }

  /**
   * @throws IllegalArgumentException if there are no keys, duplicates, or the threshold is not in
   *     1..n
   */
  public static TrustPolicy of(Collection<PublicKey> keys, int threshold) {
    Map<Hash, PublicKey> byId = new LinkedHashMap<>();
    for (PublicKey k : keys) {
      if (byId.put(k.keyId(), k) != null) {
        throw new IllegalArgumentException("trusted key listed twice: " + k.keyId());
      }
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException("a trust policy needs at least one key");
    }
    if (threshold < 1 || threshold > byId.size()) {
      throw new IllegalArgumentException(
          "threshold must be between 1 and " + byId.size() + " (number of keys), got " + threshold);
    }
    return new TrustPolicy(Collections.unmodifiableMap(byId), threshold);
  }

  /** One key, threshold 1. */
  public static TrustPolicy single(PublicKey key) {
    return of(java.util.List.of(key), 1);
  }

  public Optional<PublicKey> key(Hash keyId) {
    return Optional.ofNullable(keys.get(keyId));
  }

  public Collection<PublicKey> keys() {
    return keys.values();
  }

  public int threshold() {
    return threshold;
  }

  @Override
  public String toString() {
    return threshold + "-of-" + keys.size() + " " + keys.keySet();
  }
}
