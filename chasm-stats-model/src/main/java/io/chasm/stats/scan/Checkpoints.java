package io.chasm.stats.scan;

import io.chasm.stats.internal.StateFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The scanner's durable state: the state file (checkpoints and open day secrets) and the intent
 * record of the running step. Without a state directory nothing is written (a one-off scan).
 */
final class Checkpoints {
  private static final int MAX_CHECKPOINTS = 4096;

  private final Path stateDir;
  private final Path statePath;
  private final StepSeeds seeds;

  Checkpoints(Path stateDir, StepSeeds seeds) {
    this.stateDir = stateDir;
    this.statePath = stateDir == null ? null : stateDir.resolve("state.bin");
    this.seeds = seeds;
  }

  StateFile load() throws IOException {
    return statePath == null ? new StateFile() : StateFile.load(statePath);
  }

  /**
   * The step seed: random, recorded in intent.bin before the step runs, reused if the step is
   * redone after a crash (the state generation tells whether the intent belongs to this step).
   */
  byte[] stepSeed(StateFile state) throws IOException {
    if (seeds != null) {
      return seeds.seed(state.generation);
    }
    if (stateDir == null) {
      byte[] s = new byte[32];
      new SecureRandom().nextBytes(s);
      return s;
    }
    Path intent = stateDir.resolve("intent.bin");
    if (Files.exists(intent)) {
      byte[] b = Files.readAllBytes(intent);
      if (b.length == 40 && ByteBuffer.wrap(b).getLong() == state.generation) {
        return Arrays.copyOfRange(b, 8, 40);
      }
    }
    byte[] s = new byte[32];
    new SecureRandom().nextBytes(s);
    byte[] rec = ByteBuffer.allocate(40).putLong(state.generation).put(s).array();
    StateFile.writeAtomically(intent, rec);
    return s;
  }

  /** Ends a step: the next generation, the oldest checkpoints dropped, written whole, the intent gone. */
  void commit(StateFile state) throws IOException {
    state.generation++;
    while (state.checkpoints.size() > MAX_CHECKPOINTS) {
      state.checkpoints.remove(0);
    }
    if (statePath != null) {
      state.save(statePath);
      Files.deleteIfExists(stateDir.resolve("intent.bin"));
    }
  }
}
