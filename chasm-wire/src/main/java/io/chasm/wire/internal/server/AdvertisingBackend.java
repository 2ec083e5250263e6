package io.chasm.wire.internal.server;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.wire.ForwardingBackend;
import io.chasm.wire.RepositoryBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A backend whose {@code GetPeers} answer (SPEC §9.13) starts with configured endpoints ({@code
 * chasm serve --advertise}: this node's other addresses, sibling mirrors), then the holders its
 * backend knows (peers that announced to it), without duplicates.
 */
public final class AdvertisingBackend extends ForwardingBackend {
  private final List<String> advertised;

  public AdvertisingBackend(RepositoryBackend inner, List<String> advertised) {
    super(inner);
    this.advertised = List.copyOf(advertised);
  }

  @Override
  public List<String> holders(String repository, Hash snapshot) throws IOException, ChasmException {
    LinkedHashSet<String> all = new LinkedHashSet<>(advertised);
    all.addAll(inner.holders(repository, snapshot));
    return new ArrayList<>(all);
  }
}
