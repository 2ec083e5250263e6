package io.chasm.examples.cli;

import io.chasm.api.VerificationException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.common.ExitCodes;
import io.chasm.examples.common.NextStep;
import io.chasm.hashtree.index.IndexProgress;
import io.chasm.hashtree.index.TreeVerifier;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code chasm verify DIR --trust KEY.pub}: rehash every byte of DIR and check it against the
 * latest signed snapshot. Exit 0 if it matches, 1 (listing the differing paths) if not or if the
 * snapshot is not trusted, 2 on usage or I/O errors.
 */
@Command(name = "verify", description = "Rehash DIR and check it against its latest signed snapshot.")
public final class VerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "directory tree to verify")
  Path dir;

  @CommandLine.Mixin TrustOptions trust;

  @Mixin StateOptions state;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TrustPolicy policy = trust.policy(spec);
    Path stateDir = state.stateFor(dir);
    SignedSnapshot latest =
        SnapshotHistory.open(stateDir.resolve("snapshots"))
            .latest()
            .orElseThrow(() -> new java.io.IOException(stateDir + ": no signed snapshot to verify against (run chasm publish)"));
    List<String> differences;
    try {
      IndexProgress progress = new IndexProgress();
      TreeVerifier verifier = new TreeVerifier(policy, Clock.systemUTC()).progress(progress);
      differences = json ? verifier.differences(dir, stateDir, latest)
          : StateOptions.withProgress(progress, () -> verifier.differences(dir, stateDir, latest));
    } catch (VerificationException e) {
      report(latest, List.of(), e.getMessage() + NextStep.after(e));
      return ExitCodes.FAILED_CHECK;
    }
    report(latest, differences, null);
    return differences.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED_CHECK;
  }

  private void report(SignedSnapshot s, List<String> differences, String failure) {
    boolean ok = failure == null && differences.isEmpty();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", ok);
      m.put("sequence", s.snapshot().sequence());
      m.put("snapshot", s.id().toString());
      m.put("root", s.snapshot().rootTree().toString());
      if (failure != null) {
        m.put("error", failure);
      }
      m.put("differences", differences);
      System.out.println(StateOptions.json(m));
      return;
    }
    if (failure != null) {
      System.err.println("chasm: snapshot " + s.snapshot().sequence() + " rejected: " + failure);
    } else if (ok) {
      System.out.println("OK: " + dir + " matches snapshot " + s.snapshot().sequence() + " " + s.id());
    } else {
      System.out.println("FAILED: " + differences.size() + " path(s) differ from snapshot " + s.snapshot().sequence() + ":");
      differences.forEach(d -> System.out.println("  " + d));
    }
  }
}
