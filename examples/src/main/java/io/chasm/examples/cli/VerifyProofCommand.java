package io.chasm.examples.cli;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.snapshot.EquivocationProof;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chasm verify-proof FILE --trust KEY.pub}: checks an equivocation proof (SPEC §14)
 * offline: two snapshots of one origin, one sequence, two roots, both signed as the trust policy
 * requires. Anyone with the origin's public key can confirm the key misbehaved.
 */
@Command(name = "verify-proof", description = {
    "Check an equivocation proof offline: two validly signed snapshots of one origin with one sequence and different roots."})
public final class VerifyProofCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "proof file (a mirror writes them to STATE/equivocation/)")
  Path file;

  @CommandLine.Mixin TrustOptions trust;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    TrustPolicy policy = trust.policy(spec);
    byte[] bytes = Files.readAllBytes(file);
    EquivocationProof p;
    try {
      p = EquivocationProof.decode(bytes);
    } catch (CorruptObjectException e) {
      return report(null, "not-a-proof", e, ExitCodes.NOT_A_PROOF);
    }
    try {
      p.verify(policy);
    } catch (VerificationException e) {
      return report(p, "bad-signature", e, ExitCodes.BAD_SIGNATURE);
    }
    return report(p, "equivocation", null, ExitCodes.OK);
  }

  private int report(EquivocationProof p, String verdict, Exception e, int code) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("verdict", verdict);
      if (p != null) {
        m.put("origin", p.origin());
        m.put("sequence", p.sequence());
        m.put("snapshots", List.of(describe(p.first()), describe(p.second())));
      }
      if (e != null) {
        m.put("error", Commands.oneLine(e));
      }
      System.out.println(StateOptions.json(m));
    } else if (e != null) {
      System.err.println("chasm: " + file + ": " + (code == ExitCodes.NOT_A_PROOF ? "not a proof: " : "bad signature: ")
          + Commands.oneLine(e));
    } else {
      System.out.println("EQUIVOCATION: the trusted key signed two snapshots #" + p.sequence() + " of " + p.origin() + ":");
      System.out.println("  " + p.first().id() + " root " + p.first().snapshot().rootTree());
      System.out.println("  " + p.second().id() + " root " + p.second().snapshot().rootTree());
    }
    return code;
  }

  private static Map<String, Object> describe(SignedSnapshot s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("snapshot", s.id().toString());
    m.put("root", s.snapshot().rootTree().toString());
    m.put("created", s.snapshot().created().toString());
    return m;
  }
}
