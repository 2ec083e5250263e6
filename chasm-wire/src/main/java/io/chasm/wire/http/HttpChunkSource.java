package io.chasm.wire.http;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.ChunkSource;
import io.chasm.wire.http.internal.RangePlan;
import io.chasm.wire.http.internal.RangeReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Chunks from a plain web mirror's files (SPEC §12.4): each id is looked up in a {@link ChunkMap},
 * chunks lying end to end in one file are read with one {@code Range} request (up to {@link
 * #DEFAULT_MAX_SPAN} bytes), the requests of a batch go one after the other on one of the mirror's
 * kept-alive connections. An id the map does not place, a missing file, a file of another size
 * than the snapshot's (changed, or half-copied) or a body that ends early is "not held"; only
 * bytes that fail their hash, which the caller checks ({@link #verifiesChunks()} is false), condemn
 * the mirror. A server that ignores {@code Range} and sends the whole file is read up to the range.
 */
public final class HttpChunkSource implements ChunkSource {
  /** Bytes per range request at most: a few chunks, so a slow mirror holds little work at once. */
  public static final long DEFAULT_MAX_SPAN = 4L << 20;
  private final HttpMirror mirror;
  private final ChunkMap map;
  private final long maxSpan;

  public HttpChunkSource(HttpMirror mirror, ChunkMap map) {
    this(mirror, map, DEFAULT_MAX_SPAN);
  }

  /** @param maxSpan bytes per range request at most (a single longer chunk is one request) */
  public HttpChunkSource(HttpMirror mirror, ChunkMap map, long maxSpan) {
    if (maxSpan <= 0) {
      throw new IllegalArgumentException("maxSpan must be positive: " + maxSpan);
    }
    this.mirror = mirror;
    this.map = map;
    this.maxSpan = maxSpan;
  }

  @Override
  public String name() {
    return mirror.root().toString();
  }

  @Override
  public CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver) {
    List<RangePlan.Part> parts = new ArrayList<>(ids.size());
    List<Hash> unplaced = new ArrayList<>();
    for (Hash id : ids) {
      ChunkMap.Place p = map.place(id);
      if (p == null) {
        unplaced.add(id);
      } else {
        parts.add(new RangePlan.Part(id, p.path(), p.offset(), p.length(), p.fileSize()));
      }
    }
    List<RangePlan.Request> requests = RangePlan.plan(parts, maxSpan);
    return mirror.submit(() -> {
      unplaced.forEach(receiver::notHeld);
      RangeReader.Answers answers = new RangeReader.Answers() {
        @Override
        public void chunk(RangePlan.Part part, byte[] data) throws IOException {
          try {
            receiver.chunk(part.id(), data);
          } catch (ChasmException e) {
            throw new ReceiverFailed(e);
          }
        }

        @Override
        public void notHeld(RangePlan.Part part) {
          receiver.notHeld(part.id());
        }
      };
      for (RangePlan.Request r : requests) {
        HttpResponse<InputStream> resp = mirror.get(r.path(), "bytes=" + r.start() + "-" + (r.end() - 1));
        try (InputStream in = mirror.counted(resp.body())) {
          RangeReader.read(r, resp.statusCode(), resp.headers().firstValue("Content-Range").orElse(null),
              resp.headers().firstValueAsLong("Content-Length"), in, answers);
        }
      }
      return null;
    }).handle((v, err) -> {
      if (err != null) {
        Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
        if (c.getCause() instanceof ReceiverFailed rf) {
          throw new java.util.concurrent.CompletionException(rf.getCause());
        }
        throw new java.util.concurrent.CompletionException(c);
      }
      return null;
    });
  }

  /** Carries the receiver's verdict on a chunk (bad bytes) through the I/O path unchanged. */
  private static final class ReceiverFailed extends IOException {
    ReceiverFailed(ChasmException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** False: its files may lag its export (an rsync half-way): a refusal is never a lie. */
  @Override
  public boolean promisesWholeSnapshot() {
    return false;
  }
}
