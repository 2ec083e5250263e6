package io.chasm.wire;

import java.time.Duration;
import java.util.Objects;

/**
 * How a server keeps its connections for the peers that use them when others connect and do
 * nothing (SPEC §8.13). Network connections only are limited per address and evicted; local ones
 * (Unix socket, in-process) are the node's own processes. The host's own 127.0.0.1 and ::1 are
 * evicted like any but not limited per address (a proxy or TLS terminator on the host connects
 * from there for every client).
 *
 * @param handshakeTimeout a connection that has not finished the handshake by then is closed
 * @param writeTimeout a connection whose write has been blocked that long (peer not reading) is closed
 * @param idleTimeout a connection with no request in flight and no subscription for that long is closed
 * @param maxPerAddress most network connections from one remote address; more are refused
 * @param minReceiveRate bytes per second below which a frame that has begun to arrive is too slow:
 *     the frame must be complete within {@code frameGrace + length / minReceiveRate}
 * @param frameGrace the time any frame may take on top of its length at the minimum rate
 * @param serviceSlots requests the backend works on at once; connections waiting for a slot get
 *     one in turn, so one peer's long queue of requests cannot starve another's
 */
public record ServerLimits(
    Duration handshakeTimeout,
    Duration writeTimeout,
    Duration idleTimeout,
    int maxPerAddress,
    int minReceiveRate,
    Duration frameGrace,
    int serviceSlots) {

  public ServerLimits {
    requirePositive("handshakeTimeout", handshakeTimeout);
    requirePositive("writeTimeout", writeTimeout);
    requirePositive("idleTimeout", idleTimeout);
    requirePositive("frameGrace", frameGrace);
    if (maxPerAddress < 1) {
      throw new IllegalArgumentException("maxPerAddress must be at least 1, got " + maxPerAddress);
    }
    if (minReceiveRate < 1) {
      throw new IllegalArgumentException("minReceiveRate must be at least 1 byte/s, got " + minReceiveRate);
    }
    if (serviceSlots < 1) {
      throw new IllegalArgumentException("serviceSlots must be at least 1, got " + serviceSlots);
    }
  }

  /**
   * 10 s handshake, 60 s blocked write, 5 min idle, 8 connections per address, 1 KiB/s after 10 s
   * grace for a frame (a full 256 KiB request frame may take 4.5 min), two backend slots per core
   * (at least four).
   */
  public static ServerLimits defaults() {
    return new ServerLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5), 8, 1024,
        Duration.ofSeconds(10), Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
  }

  public ServerLimits withHandshakeTimeout(Duration d) {
    return new ServerLimits(d, writeTimeout, idleTimeout, maxPerAddress, minReceiveRate, frameGrace, serviceSlots);
  }

  public ServerLimits withWriteTimeout(Duration d) {
    return new ServerLimits(handshakeTimeout, d, idleTimeout, maxPerAddress, minReceiveRate, frameGrace, serviceSlots);
  }

  public ServerLimits withIdleTimeout(Duration d) {
    return new ServerLimits(handshakeTimeout, writeTimeout, d, maxPerAddress, minReceiveRate, frameGrace, serviceSlots);
  }

  public ServerLimits withMaxPerAddress(int n) {
    return new ServerLimits(handshakeTimeout, writeTimeout, idleTimeout, n, minReceiveRate, frameGrace, serviceSlots);
  }

  public ServerLimits withMinReceiveRate(int bytesPerSecond, Duration grace) {
    return new ServerLimits(handshakeTimeout, writeTimeout, idleTimeout, maxPerAddress, bytesPerSecond, grace, serviceSlots);
  }

  public ServerLimits withServiceSlots(int n) {
    return new ServerLimits(handshakeTimeout, writeTimeout, idleTimeout, maxPerAddress, minReceiveRate, frameGrace, n);
  }

  /** Nanoseconds a frame of {@code length} bytes may take to arrive, from its first byte. */
  public long frameDeadlineNanos(long length) {
    return frameGrace.toNanos() + length * 1_000_000_000L / minReceiveRate;
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }
}
