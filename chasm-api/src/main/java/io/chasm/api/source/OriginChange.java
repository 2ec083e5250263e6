package io.chasm.api.source;

import java.util.Objects;

/**
 * Why a source does not hold a chunk it once published: the file of the origin's live tree it would
 * be read from has changed since that snapshot was published, and no new snapshot was published
 * since (SPEC §9.18). A hint from the source, unverified: it only names the path in messages.
 *
 * @param path the tree path (relative, {@code /}-separated) of the changed file
 * @param snapshot the sequence of the snapshot the source serves, 0 when not known
 */
public record OriginChange(String path, long snapshot) {
  public OriginChange {
    Objects.requireNonNull(path, "path");
  }
}
