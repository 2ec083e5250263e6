package io.chasm.examples.cli;

import io.chasm.api.ChasmException;
import io.chasm.api.CorruptObjectException;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.hashtree.snapshot.EquivocationProof;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.snapshot.SnapshotVerifier;
import io.chasm.wire.HeadInfo;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chasm status URI [--json]}: what a mirror serves (repository, sequence, root, age of the
 * snapshot) and the equivocation proofs it holds, so a redirector can tell an up-to-date mirror
 * from a stale or alarmed one without rescanning it. A plain web mirror is read through its static
 * export: its head only, with empty holders and proofs.
 */
@Command(name = "status", description = {
    "Show a mirror's snapshot: repository, sequence, root, age (seconds since the snapshot was signed), proofs."})
public final class StatusCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "URI", description = "the mirror (tcp://host:port, unix:///path, or http(s)://host/tree/ of a tree with a static export)")
  URI mirror;

  @Option(names = "--repo", paramLabel = "NAME", description = "repository (default: the name every CHASM server answers to)")
  String repository = StatusSource.DEFAULT_REPOSITORY;

  @Option(names = "--trust", paramLabel = "KEY.pub", description = "also verify the head and proofs against these keys (repeatable)")
  List<Path> trust = new ArrayList<>();

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    StatusSource source = StatusSource.BY_SCHEME.get(String.valueOf(mirror.getScheme()));
    if (source == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "'" + mirror + "' is not a mirror URI (schemes: " + String.join(", ", StatusSource.BY_SCHEME.keySet()) + ")");
    }
    TrustPolicy policy = trust.isEmpty() ? null : KeyFiles.readTrustPolicy(trust, 1);
    Optional<HeadInfo> head;
    try {
      head = source.head(mirror, repository);
    } catch (ChasmException e) {
      System.err.println("chasm: " + mirror + ": " + Commands.oneLine(e));
      return ExitCodes.ERROR;
    }
    if (head.isEmpty()) {
      System.err.println("chasm: " + mirror + " holds no repository '" + repository + "'");
      return ExitCodes.ERROR;
    }
    SignedSnapshot signed = SignedSnapshot.decode(head.get().envelope());
    Snapshot s = signed.snapshot();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("uri", mirror.toString());
    m.put("repository", s.origin());
    m.put("sequence", s.sequence());
    m.put("snapshot", signed.id().toString());
    m.put("root", s.rootTree().toString());
    m.put("created", s.created().toString());
    m.put("expires", s.expires().toString());
    m.put("age_seconds", Math.max(0, Duration.between(s.created(), Clock.systemUTC().instant()).toSeconds()));
    String failure = null;
    if (policy != null) {
      try {
        new SnapshotVerifier(policy, Clock.systemUTC()).verify(signed, SnapshotVerifier.NONE_ACCEPTED);
      } catch (VerificationException e) {
        failure = Commands.oneLine(e);
      }
      m.put("verified", failure == null);
    }
    List<Map<String, Object>> proofs = proofs(head.get().proofs(), policy);
    m.put("equivocation_proofs", proofs);
    m.put("holders", head.get().holders());
    print(m, failure);
    return !proofs.isEmpty() ? ExitCodes.EQUIVOCATION : failure != null ? ExitCodes.FAILED_CHECK : ExitCodes.OK;
  }

  /** The proofs that decode (and, with --trust, verify): a mirror's word alone proves nothing. */
  private static List<Map<String, Object>> proofs(List<byte[]> raw, TrustPolicy policy) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (byte[] b : raw) {
      try {
        EquivocationProof p = EquivocationProof.decode(b);
        if (policy != null) {
          p.verify(policy);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("origin", p.origin());
        m.put("sequence", p.sequence());
        m.put("roots", List.of(p.first().snapshot().rootTree().toString(), p.second().snapshot().rootTree().toString()));
        out.add(m);
      } catch (CorruptObjectException e) {
        continue;
      } catch (VerificationException e) {
        continue;
      }
    }
    return out;
  }

  private void print(Map<String, Object> m, String failure) {
    if (json) {
      if (failure != null) {
        m.put("error", failure);
      }
      System.out.println(StateOptions.json(m));
      return;
    }
    System.out.println(m.get("uri") + ": " + m.get("repository") + " #" + m.get("sequence") + " root " + m.get("root") + ", "
        + m.get("age_seconds") + " s old" + (failure != null ? ", NOT TRUSTED: " + failure : ""));
    for (Object p : (List<?>) m.get("equivocation_proofs")) {
      System.out.println("  EQUIVOCATION PROOF: " + p);
    }
  }
}
