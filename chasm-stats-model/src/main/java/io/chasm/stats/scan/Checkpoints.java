package io.chasm.stats.scan;

import io.chasm.stats.internal.StateFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.chasm.stats.internal.ByteSource;

/**
 * The scanner's durable state: the state file (checkpoints, open window secrets, open sessions'
 * and ranges' carry) and the intent record of the running step (its ranges, seed and creation
 * time). Without a state directory nothing is written (a one-off scan).
 */
final class Checkpoints {
  private static final int MAX_CHECKPOINTS = 4096;

  private final Path stateDir;
  private final Path statePath;
  private final StepSeeds seeds;
  private byte[] seed;
  private long createdUnix;
  private boolean redone;

  Checkpoints(Path stateDir, StepSeeds seeds) {
    this.stateDir = stateDir;
    this.statePath = stateDir == null ? null : stateDir.resolve("state.bin");
    this.seeds = seeds;
  }

  StateFile load() throws IOException {
    return statePath == null ? new StateFile() : StateFile.load(statePath);
  }

  /**
   * The next step: the one recorded in intent.bin for this generation if there is one (a step
   * redone after a crash reads exactly the ranges it read before, up to the same file ends, with
   * the same seed and creation time, whatever --commit-every or the files' growth say now, so
   * its batches have the same ids and bytes), else planned now and recorded before it runs.
   * Empty when there is nothing left to read. Then {@link #seed()} and {@link #createdUnix()}.
   */
  List<StepPlan.Item> beginStep(StateFile state, List<ScanFile> works, long stepBytes) throws IOException {
    Path intent = stateDir == null ? null : stateDir.resolve("intent.bin");
    redone = false;
    if (intent != null && Files.exists(intent)) {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(intent));
      if (b.remaining() >= 52 && b.getLong() == state.generation) {
        seed = new byte[32];
        b.get(seed);
        createdUnix = b.getLong();
        List<StepPlan.Item> redo = redo(b, works);
        if (redo != null) {
          redone = true;
          return redo;
        }
      }
    }
    List<StepPlan.Item> step = StepPlan.next(works, stepBytes);
    if (step.isEmpty()) {
      return step;
    }
    for (StepPlan.Item it : step) {
      it.w.readEnd = it.w.planEnd;
    }
    if (seed == null || intent == null) {
      seed = seeds != null ? seeds.seed(state.generation) : random();
      createdUnix = System.currentTimeMillis() / 1000;
    }
    if (intent != null) {
      ByteBuffer rec = ByteBuffer.allocate(52 + step.size() * 56);
      rec.putLong(state.generation).put(seed).putLong(createdUnix).putInt(step.size());
      for (StepPlan.Item it : step) {
        rec.put(it.w.cp.identity).putLong(it.start).putLong(it.cut).putLong(it.w.readEnd);
      }
      StateFile.writeAtomically(intent, rec.array());
    }
    return step;
  }

  // The recorded ranges, matched to this run's files by identity and checkpoint; null when one
  // no longer matches (the file is gone): the step is then planned afresh.
  private static List<StepPlan.Item> redo(ByteBuffer b, List<ScanFile> works) {
    if (b.remaining() < 4) {
      return null;
    }
    int n = b.getInt();
    if (n <= 0 || b.remaining() != n * 56L) {
      return null;
    }
    List<StepPlan.Item> step = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] id = new byte[32];
      b.get(id);
      long start = b.getLong(), cut = b.getLong(), end = b.getLong();
      ScanFile w = null;
      for (ScanFile x : works) {
        if (x.active && Arrays.equals(x.cp.identity, id) && x.cp.offset == start
            && (x.compression != ByteSource.Compression.NONE || end <= x.planEnd)) {
          w = x;
        }
      }
      if (w == null) {
        return null;
      }
      StepPlan.Item it = new StepPlan.Item();
      it.w = w;
      it.start = start;
      it.cut = cut;
      it.newOffset = start;
      w.readEnd = end;
      step.add(it);
    }
    return step;
  }

  private static byte[] random() {
    byte[] s = new byte[32];
    new SecureRandom().nextBytes(s);
    return s;
  }

  /** The seed of the step {@link #beginStep} began. */
  byte[] seed() {
    return seed.clone();
  }

  /** True when the step {@link #beginStep} began is one a previous run recorded and did not finish. */
  boolean redone() {
    return redone;
  }

  /** Creation time of the step {@link #beginStep} began (its first run's, when redone). */
  long createdUnix() {
    return createdUnix;
  }

  /** Ends a step: the next generation, the oldest checkpoints dropped, written whole, the intent gone. */
  void commit(StateFile state) throws IOException {
    state.generation++;
    while (state.checkpoints.size() > MAX_CHECKPOINTS) {
      state.checkpoints.remove(0);
    }
    seed = null;
    if (statePath != null) {
      state.save(statePath);
      Files.deleteIfExists(stateDir.resolve("intent.bin"));
    }
  }
}
