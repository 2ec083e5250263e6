package io.chasm.wire.sync.internal;

import io.chasm.api.Ticker;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.publish.MetadataPatterns;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * What one sync run needs from the public options, in plain types (this package does not depend
 * on the public one).
 *
 * @param clock wall time: snapshot expiry, the mtime of published files
 * @param ticker monotonic time: stalls, throughput, timings
 * @param compressChunks whether chunks from an upstream are asked for compressed
 * @param connections connections per upstream for a wide fetch
 * @param wideFetchChunks the fetch size (chunks or manifests) from which to widen
 * @param maxPeers peers learned through peer exchange to add as sources (0: do not ask)
 * @param allowPrivatePeers keep private and loopback addresses learned from a public peer
 */
public record RunSettings(
    Path destination,
    TrustPolicy trust,
    boolean flip,
    boolean deleteUnknown,
    boolean safeLinks,
    MetadataPatterns metadata,
    Clock clock,
    Ticker ticker,
    Duration stallTimeout,
    int chunksPerBatch,
    int batchesInFlight,
    Predicate<URI> compressChunks,
    int connections,
    int wideFetchChunks,
    int maxPeers,
    boolean allowPrivatePeers,
    RunEvents events) {}
