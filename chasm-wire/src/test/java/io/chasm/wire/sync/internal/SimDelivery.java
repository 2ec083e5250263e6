package io.chasm.wire.sync.internal;

import io.chasm.api.Hash;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Collects what a fetch delivers and fails on a second delivery of one id. */
final class SimDelivery implements Upstreams.Delivery {
  final Map<Hash, byte[]> got = new ConcurrentHashMap<>();
  final Set<Hash> wanted;
  int twice;

  SimDelivery(Set<Hash> wanted) {
    this.wanted = wanted;
  }

  @Override
  public void chunk(Hash id, byte[] data) {
    if (got.put(id, data) != null) {
      twice++;
    }
  }

  @Override
  public boolean stillNeeded(Hash id) {
    return wanted.contains(id) && !got.containsKey(id);
  }

  static Map<Hash, byte[]> chunks(int n) {
    Map<Hash, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byte[] data = ("chunk " + i + " ").repeat(200).substring(0, 1000).getBytes(StandardCharsets.UTF_8);
      m.put(Hash.sha256(data), data);
    }
    return m;
  }
}
