package io.chasm.examples.chasm;

import io.chasm.examples.cli.ChunksCommand;
import io.chasm.examples.cli.DiffCommand;
import io.chasm.examples.cli.GetCommand;
import io.chasm.examples.cli.ExportStaticCommand;
import io.chasm.examples.cli.IndexCommand;
import io.chasm.examples.cli.KeygenCommand;
import io.chasm.examples.cli.MetalinkCommand;
import io.chasm.examples.cli.PublishCommand;
import io.chasm.examples.cli.ServeCommand;
import io.chasm.examples.cli.StatsCommand;
import io.chasm.examples.cli.StatusCommand;
import io.chasm.examples.cli.SyncCommand;
import io.chasm.examples.cli.VerifyCommand;
import io.chasm.examples.cli.VerifyProofCommand;
import io.chasm.examples.collector.CollectorCommand;
import io.chasm.examples.common.Commands;
import io.chasm.examples.config.ConfigCommand;
import io.chasm.examples.doctor.DoctorCommand;
import io.chasm.examples.common.ExitCodes;
import io.chasm.examples.demo.DemoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code chasm} command. Each subcommand is a thin shell over the library: parse flags, call
 * the library, print a human summary or {@code --json}. Exit codes: {@link ExitCodes}.
 *
 * <p>The root sits in its own package above the commands: it is the only class that knows them
 * all, so the demo (which runs commands) and the commands never depend on it.
 */
@Command(
    name = "chasm",
    mixinStandardHelpOptions = true,
    versionProvider = ChasmCli.Version.class,
    description = "Cryptographic Hash Algorithm Secured Mirroring.",
    subcommands = {
      CommandLine.HelpCommand.class,
      KeygenCommand.class,
      IndexCommand.class,
      io.chasm.examples.cli.WatchIndexCommand.class,
      PublishCommand.class,
      VerifyCommand.class,
      DiffCommand.class,
      DemoCommand.class,
      ChunksCommand.class,
      ServeCommand.class,
      SyncCommand.class,
      CollectorCommand.class,
      StatsCommand.class,
      GetCommand.class,
      MetalinkCommand.class,
      ExportStaticCommand.class,
      StatusCommand.class,
      VerifyProofCommand.class,
      ConfigCommand.class,
      DoctorCommand.class,
    })
public final class ChasmCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI in-process and returns the exit code (used by tests and the CDS training run). */
  public static int run(String... args) {
    return Commands.run("chasm", new ChasmCli(), args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ChasmCli.class.getPackage().getImplementationVersion();
      return new String[] {"chasm " + (v == null ? "dev" : v)};
    }
  }
}
