package io.chasm.wire.stats.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chasm.wire.proto.stats.MirrorSnapshot;
import io.chasm.wire.proto.stats.StatsBatch;

/**
 * Puts the mirror's current snapshot into a spooled batch just before it is signed and sent
 * (SPEC §11.19). The batch id and the collector's duplicate comparison leave the field out, so a
 * stamped resend is still the same batch.
 */
public final class SnapshotStamp {
  private SnapshotStamp() {}

  /** {@code statsBatch} with {@code mirror_snapshot} set; unparseable bytes are returned as they are. */
  public static byte[] stamp(byte[] statsBatch, String repository, long sequence, long createdUnix) {
    try {
      return StatsBatch.parseFrom(statsBatch).toBuilder()
          .setMirrorSnapshot(MirrorSnapshot.newBuilder().setRepository(repository).setSequence(sequence)
              .setCreatedUnix(createdUnix))
          .build().toByteArray();
    } catch (InvalidProtocolBufferException e) {
      return statsBatch; // the collector refuses it (400) and the submitter sets it aside, as before
    }
  }
}
