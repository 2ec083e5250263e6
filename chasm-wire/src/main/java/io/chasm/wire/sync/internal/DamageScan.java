package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Ticker;
import io.chasm.hashtree.index.ContentCheck;
import io.chasm.hashtree.index.ReadPacer;
import io.chasm.hashtree.index.StatCheck;
import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.snapshot.Snapshot;
import java.io.IOException;
import java.util.List;

/**
 * Finds what of the local snapshot the live tree no longer holds, before a sync plans: by stat
 * against the index the last sync wrote (every sync), or by rehashing every file (verify-all, the
 * scrub). Flip mode is left out: a damaged flip tree is not repaired in place (the next snapshot builds a new one).
 *
 * @param verifyAll rehash every file instead of comparing stats
 * @param pacer paces the rehash's reads
 * @param threads hashing threads of the rehash
 */
public record DamageScan(boolean verifyAll, ReadPacer pacer, int threads) {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DamageScan.class);

  /**
   * What the scan found: the damaged paths of {@code local} in the live tree, and the files it
   * vouches for (neither when there was nothing to check against: no local snapshot, flip mode,
   * no usable stat index).
   */
  record Found(List<String> damaged, VouchedFiles vouched) {
    static final Found NOTHING = new Found(List.of(), VouchedFiles.NONE);
  }

  Found scan(MirrorState state, Snapshot local, Ticker ticker) throws ChasmException, IOException {
    if (local == null || state.flipMode()) {
      return Found.NOTHING;
    }
    long startMillis = System.currentTimeMillis(); // compared with files' ctimes: the real clock, not an injected one
    boolean indexed = true;
    long t0 = ticker.nanos();
    List<String> damaged;
    if (verifyAll) {
      damaged = ContentCheck.differences(state.destination(), state.stateDirectory(), state.objects(), local.rootTree(),
          local.chunking(), pacer, threads);
    } else {
      StatCheck.Result r = StatCheck.check(state.destination(), state.stateDirectory(), state.objects(), local.rootTree(),
          local.chunking());
      if (!r.indexed()) {
        LOG.debug("no usable stat index: damage not checked");
        indexed = false;
      }
      damaged = r.damaged();
    }
    LOG.debug("{} check: {} damaged path(s) in {} ms", verifyAll ? "content" : "stat", damaged.size(),
        (ticker.nanos() - t0) / 1_000_000);
    return new Found(damaged, indexed ? VouchedFiles.scanned(damaged, startMillis) : VouchedFiles.NONE);
  }
}
