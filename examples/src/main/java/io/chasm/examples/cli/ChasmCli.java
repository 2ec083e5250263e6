package io.chasm.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code chasm} command. Each subcommand is a thin shell over the library: parse flags, call
 * the library, print a human summary or {@code --json}.
 *
 * <p>Exit codes (every subcommand): 0 success; 1 the check the command performs failed (e.g. a
 * tree does not verify); 2 usage or I/O error, with a one-line message on stderr.
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
      PublishCommand.class,
      VerifyCommand.class,
      DiffCommand.class,
      DemoCommand.class,
      ChunksCommand.class,
      ServeCommand.class,
      SyncCommand.class,
      io.chasm.examples.collector.CollectorCommand.class,
      StatsCommand.class,
    })
public final class ChasmCli implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED_CHECK = 1;
  public static final int EXIT_ERROR = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI in-process and returns the exit code (used by tests and the demo). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new ChasmCli());
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("chasm: " + oneLine(ex));
          return EXIT_ERROR;
        });
    cl.setExitCodeExceptionMapper(ex -> EXIT_ERROR);
    return cl.execute(args);
  }

  public static String oneLine(Throwable ex) {
    String m = ex.getMessage();
    return (m == null || m.isBlank()) ? ex.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ChasmCli.class.getPackage().getImplementationVersion();
      return new String[] {"chasm " + (v == null ? "dev" : v)};
    }
  }
}
