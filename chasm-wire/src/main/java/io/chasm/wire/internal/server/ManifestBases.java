package io.chasm.wire.internal.server;

import io.chasm.api.ChasmException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.merkle.ManifestDelta;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.internal.WireIds;
import io.chasm.wire.proto.peer.ErrorCode;
import io.chasm.wire.proto.peer.GetObjects;
import io.chasm.wire.proto.peer.ManifestBase;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The server's side of SPEC §9.21: which requested manifests the client holds an earlier version
 * of, and the delta it is sent instead of the whole manifest when the server holds that base too
 * and the delta is shorter. A delta is an offer the client checks: it rebuilds the manifest and
 * verifies it against the file id, so nothing here is trusted by anyone but this server.
 */
final class ManifestBases {
  private ManifestBases() {}

  /**
   * The offered base of each id (null where none), or null when none was offered or the
   * capability was not negotiated (the bases are then ignored, as by a server without it).
   *
   * @throws RequestError {@code BAD_REQUEST} for an index out of range or given twice, a base
   *     that is not a file manifest id, or a base offered for an id that is not one
   */
  static ObjectId[] parse(GetObjects r, List<ObjectId> ids, boolean negotiated) throws RequestError {
    if (!negotiated || r.getBasesCount() == 0) {
      return null;
    }
    ObjectId[] out = new ObjectId[ids.size()];
    for (ManifestBase b : r.getBasesList()) {
      int i = b.getIndex();
      if (i < 0 || i >= out.length || out[i] != null) {
        throw new RequestError(ErrorCode.BAD_REQUEST, "bad manifest base (index out of range or repeated)");
      }
      ObjectId base;
      try {
        base = WireIds.objectId(b.getBase());
      } catch (CorruptObjectException e) {
        throw new RequestError(ErrorCode.BAD_REQUEST, "bad manifest base id: " + e.getMessage());
      }
      if (base.kind() != ObjectKind.FILE || ids.get(i).kind() != ObjectKind.FILE) {
        throw new RequestError(ErrorCode.BAD_REQUEST, "a manifest base is offered only for a file manifest, and must be one");
      }
      out[i] = base;
    }
    return out;
  }

  /** The delta of {@code manifest} over {@code base}, or null: no base, not held here, or not shorter. */
  static byte[] delta(RepositoryBackend backend, String repository, ObjectId base, byte[] manifest) {
    if (base == null) {
      return null;
    }
    try {
      Optional<byte[]> held = backend.object(repository, base);
      if (held.isEmpty()) {
        return null;
      }
      byte[] d = ManifestDelta.diff(FileManifest.decode(held.get(), base), FileManifest.decode(manifest));
      return d.length < manifest.length ? d : null;
    } catch (IOException | ChasmException | RuntimeException e) {
      return null; // the whole manifest still serves the client
    }
  }
}
