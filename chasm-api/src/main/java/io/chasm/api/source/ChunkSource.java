package io.chasm.api.source;

import io.chasm.api.Hash;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A place chunks come from, asked for a batch of ids at a time: a remote peer over the protocol,
 * the live files of the local tree (local reuse), a plain HTTP mirror through range requests. A
 * multi-source scheduler drives several of these at once.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #fetch} returns at once; the work happens on the source's own threads (or, for a
 *       source that only reads local files, before it returns). It may be called again before an
 *       earlier batch completes: a scheduler keeps several batches in flight per source.
 *   <li>Per id of the batch the source calls the receiver at most once: {@link
 *       ChunkReceiver#chunk} with the bytes, or {@link ChunkReceiver#notHeld}. Calls for one batch
 *       are never concurrent with each other; calls for different batches may be.
 *   <li>The returned future completes normally once every id has been answered, or exceptionally
 *       if the source failed (lost connection, protocol violation, the receiver threw): every id
 *       not answered by then failed. (A scheduler drops a source whose batch fails and asks the
 *       others for those ids.)
 *   <li>A source is not trusted. Its bytes are unverified, and the caller hashes each chunk
 *       against its id before using it, unless {@link #verifiesChunks()} says the source already
 *       did exactly that. Nothing a source reports is believed beyond the one batch: a "not held"
 *       only sends the id to another source.
 *   <li>The caller measures the source (bytes delivered, time from request to completion, on its
 *       own clock) to spread work by throughput: a source reports no statistics of its own.
 * </ul>
 */
public interface ChunkSource {
  /** A short name for logs and error messages (a URI, {@code local}). */
  String name();

  /**
   * Asks for a batch of chunks.
   *
   * @param ids the chunk ids, none twice; the source may answer them in any order
   * @param receiver where each answer goes
   * @return a future that completes when the batch is answered, or fails with the reason the
   *     source failed
   */
  CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver);

  /**
   * True only if this source hashes every chunk against its id before handing it to the receiver,
   * so a caller need not hash it again (a protocol client does, to drop a peer at its first bad
   * chunk; local reuse does, because a live file may have changed since it was indexed). False by
   * default: the caller verifies.
   */
  default boolean verifiesChunks() {
    return false;
  }

  /**
   * True if this source offers a whole snapshot, so that refusing chunks of it which other sources
   * then serve is a lie (a scheduler bans such a source, SPEC §9.13). False for a source that never
   * promised completeness: a plain web mirror, whose files may lag its export while an rsync is
   * half-way, and the local tree's reusable chunks. True by default.
   */
  default boolean promisesWholeSnapshot() {
    return true;
  }
}
