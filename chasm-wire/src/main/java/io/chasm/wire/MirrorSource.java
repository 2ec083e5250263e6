package io.chasm.wire;

import io.chasm.api.ObjectId;
import io.chasm.api.source.ChunkSource;
import io.chasm.hashtree.merkle.FileManifest;
import java.io.Closeable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One untrusted place a whole snapshot can be read from: its signed head, its trees and file
 * manifests, and the chunks of a file. A protocol peer ({@link io.chasm.wire.peer.PeerMirrorSource})
 * and a plain web mirror of the tree both fit, so a reader such as {@link
 * io.chasm.wire.get.VerifiedDownload} mixes them freely.
 *
 * <p>Nothing a source returns is believed: the caller verifies the envelope against its trust
 * policy and every object and chunk against its id, and stops using a source that sent one bad
 * byte. Futures may complete on the source's own threads.
 */
public interface MirrorSource extends Closeable {
  /** A short name for logs and errors (its URI). */
  String name();

  /** The newest signed snapshot envelope the source holds, unverified; empty if it lacks the repository. */
  CompletableFuture<Optional<byte[]>> head(String repository);

  /**
   * Trees and file manifests by id, unverified.
   *
   * @return the objects held; ids the source lacks are absent
   */
  CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, List<ObjectId> ids);

  /**
   * The chunks of one file as a {@link ChunkSource}. A protocol peer ignores {@code path} (it
   * serves chunks by id); a web mirror reads the chunk ranges of {@code path} from the manifest's
   * offsets.
   *
   * @param path the file's tree path, {@code /}-separated, relative to the tree root
   */
  ChunkSource chunks(String repository, String path, FileManifest manifest);

  /** Releases the connection; idempotent, never throws. */
  @Override
  void close();
}
