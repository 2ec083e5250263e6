package io.chasm.wire.sync.internal;

import io.chasm.api.LimitExceededException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeLimits;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks each fetched tree and manifest against its id, as the client's object verifier: a
 * manifest is decoded (and so verified) as it arrives and kept, so it needs no second decode.
 */
public final class ObjectChecks {
  private final Map<ObjectId, FileManifest> decoded = new ConcurrentHashMap<>();

  /** Verifies one object; installed with {@link io.chasm.wire.ClientOptions#withObjectVerifier}. */
  public void verify(ObjectId id, byte[] data) throws VerificationException {
    if (id.kind() == ObjectKind.FILE) {
      decoded.put(id, decodeManifest(id, data));
    } else {
      verifyObject(id, data);
    }
  }

  /** The manifest decoded when it was fetched in this run, or null. */
  FileManifest manifest(ObjectId id) {
    return decoded.get(id);
  }

  private static FileManifest decodeManifest(ObjectId id, byte[] data) throws VerificationException {
    try {
      return FileManifest.decode(data, id);
    } catch (LimitExceededException e) {
      throw new VerificationException(id + ": " + e.getMessage(), e);
    }
  }

  /** Checks a fetched tree or manifest against its id. */
  static void verifyObject(ObjectId id, byte[] data) throws VerificationException {
    try {
      if (id.kind() == ObjectKind.TREE) {
        Tree.decode(data, id, TreeLimits.DEFAULT);
      } else if (id.kind() == ObjectKind.FILE) {
        FileManifest.decode(data, id);
      } else {
        throw new VerificationException("unexpected object kind " + id);
      }
    } catch (LimitExceededException e) {
      throw new VerificationException(id + ": " + e.getMessage(), e);
    }
  }
}
