package io.chasm.wire;

import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.SignatureVerifier;
import io.chasm.api.trust.Signer;
import io.chasm.hashtree.sign.Ed25519;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link io.chasm.wire.peer.PeerClient} connects. Immutable; start from {@link #defaults()} (anonymous, no
 * expected server key, zstd accepted) and derive with the {@code with...} methods.
 */
public final class ClientOptions {
  private final Signer identity;
  private final PublicKey expectedServerKey;
  private final SignatureVerifier verifier;
  private final WireLimits limits;
  private final boolean acceptZstd;
  private final Duration handshakeTimeout;
  private final String agent;
  private ObjectVerifier objectVerifier = ObjectVerifier.CANONICAL;
  private Duration stallTimeout = Duration.ofSeconds(60);

  private ClientOptions(Signer identity, PublicKey expectedServerKey, SignatureVerifier verifier, WireLimits limits,
      boolean acceptZstd, Duration handshakeTimeout, String agent) {
    this.identity = identity;
    this.expectedServerKey = expectedServerKey;
    this.verifier = verifier;
    this.limits = limits;
    this.acceptZstd = acceptZstd;
    this.handshakeTimeout = handshakeTimeout;
    this.agent = agent;
  }

  public static ClientOptions defaults() {
    return new ClientOptions(null, null, Ed25519.verifier(), WireLimits.defaults(), true, Duration.ofSeconds(10), "chasm-java");
  }

  /** Prove this node key to the server (needed for allowlists and Announce). */
  public ClientOptions withIdentity(Signer identity) {
    return copy(new ClientOptions(identity, expectedServerKey, verifier, limits, acceptZstd, handshakeTimeout, agent));
  }

  /** Refuse the server unless it proves exactly this key. */
  public ClientOptions withExpectedServerKey(PublicKey key) {
    return copy(new ClientOptions(identity, key, verifier, limits, acceptZstd, handshakeTimeout, agent));
  }

  public ClientOptions withVerifier(SignatureVerifier verifier) {
    return copy(new ClientOptions(identity, expectedServerKey, Objects.requireNonNull(verifier), limits, acceptZstd, handshakeTimeout, agent));
  }

  public ClientOptions withLimits(WireLimits limits) {
    return copy(new ClientOptions(identity, expectedServerKey, verifier, Objects.requireNonNull(limits), acceptZstd, handshakeTimeout, agent));
  }

  /** Ask for zstd-compressed chunks (the server compresses only when it saves bytes). */
  public ClientOptions withZstd(boolean accept) {
    return copy(new ClientOptions(identity, expectedServerKey, verifier, limits, accept, handshakeTimeout, agent));
  }

  public ClientOptions withHandshakeTimeout(Duration d) {
    return copy(new ClientOptions(identity, expectedServerKey, verifier, limits, acceptZstd, Objects.requireNonNull(d), agent));
  }

  public ClientOptions withAgent(String agent) {
    return copy(new ClientOptions(identity, expectedServerKey, verifier, limits, acceptZstd, handshakeTimeout, Objects.requireNonNull(agent)));
  }

  /**
   * Checks every fetched tree and file manifest before it is handed out (default {@link
   * ObjectVerifier#CANONICAL}).
   */
  public ClientOptions withObjectVerifier(ObjectVerifier v) {
    ClientOptions o = copy(new ClientOptions(identity, expectedServerKey, verifier, limits, acceptZstd, handshakeTimeout, agent));
    o.objectVerifier = Objects.requireNonNull(v);
    return o;
  }

  private ClientOptions copy(ClientOptions o) {
    o.objectVerifier = objectVerifier;
    o.stallTimeout = stallTimeout;
    return o;
  }

  /**
   * A connection on which requests are outstanding but nothing has arrived for this long is
   * failed with a {@link io.chasm.api.TransportException} (default 60 s), so a peer that goes
   * silent mid-transfer cannot hold a sync forever. Subscriptions alone may stay quiet.
   */
  public ClientOptions withStallTimeout(Duration d) {
    ClientOptions o = copy(new ClientOptions(identity, expectedServerKey, verifier, limits, acceptZstd, handshakeTimeout, agent));
    o.stallTimeout = Objects.requireNonNull(d);
    return o;
  }

  public Duration stallTimeout() {
    return stallTimeout;
  }

  public ObjectVerifier objectVerifier() {
    return objectVerifier;
  }

  public Signer identity() {
    return identity;
  }

  public PublicKey expectedServerKey() {
    return expectedServerKey;
  }

  public SignatureVerifier verifier() {
    return verifier;
  }

  public WireLimits limits() {
    return limits;
  }

  public boolean acceptZstd() {
    return acceptZstd;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  public String agent() {
    return agent;
  }
}
