package io.chasm.wire.internal.server;

import io.chasm.api.Ticker;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureVerifier;
import io.chasm.api.trust.Signer;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.ServerLimits;
import io.chasm.wire.WireLimits;
import java.util.List;
import java.util.Set;

/**
 * Everything a server connection needs to know, fixed when the server is built.
 *
 * @param identity null for an anonymous server
 * @param allowlist null when anyone may read
 * @param ticker what every deadline of {@code serverLimits} is measured on
 */
public record ServerConfig(
    RepositoryBackend backend,
    Signer identity,
    SignatureVerifier verifier,
    Set<PublicKey> allowlist,
    Set<PublicKey> announcers,
    boolean anyoneMayAnnounce,
    WireLimits limits,
    List<String> capabilities,
    ServerLimits serverLimits,
    Ticker ticker,
    String agent) {}
