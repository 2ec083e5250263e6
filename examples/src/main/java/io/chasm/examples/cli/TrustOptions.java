package io.chasm.examples.cli;

import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.sign.KeyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --trust KEY.pub ... [--threshold K]}, shared by the commands that check signatures. */
final class TrustOptions {
  @Option(names = "--trust", required = true, paramLabel = "KEY.pub", description = "trusted public key file (repeatable)")
  List<Path> trust;

  @Option(names = "--threshold", paramLabel = "K", description = "signatures required from distinct trusted keys (default 1)")
  int threshold = 1;

  /** The policy, or a usage error (exit 2) when the keys and threshold do not make one. */
  TrustPolicy policy(CommandLine.Model.CommandSpec spec) throws IOException {
    try {
      return KeyFiles.readTrustPolicy(trust, threshold);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
