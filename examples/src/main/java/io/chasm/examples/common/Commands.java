package io.chasm.examples.common;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Running a picocli command the way both executables do: every command and subcommand answers
 * {@code --help} (exit 0) and lists its exit codes; an exception is one line on stderr and exit 2.
 */
public final class Commands {
  private Commands() {}

  /**
   * Runs {@code command} in-process with {@code args} and returns its exit code; a failure is
   * printed as {@code PROGRAM: message}.
   */
  public static int run(String program, Object command, String... args) {
    return configure(program, new CommandLine(command)).execute(args);
  }

  /** Sets the help, exit-code list and exception handling of {@link #run} on {@code cl} and every subcommand, and returns it. */
  public static CommandLine configure(String program, CommandLine cl) {
    addHelp(cl, cl.getCommandSpec().versionProvider());
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println(program + ": " + oneLine(ex) + NextStep.after(ex));
          return ExitCodes.ERROR;
        });
    cl.setExitCodeExceptionMapper(ex -> ExitCodes.ERROR);
    return cl;
  }

  // Done here rather than with an annotation on each command so that a command added later cannot
  // forget it: picocli checks required parameters before running, so without a help option of its
  // own `chasm sync --help` was a usage error.
  private static void addHelp(CommandLine cl, CommandLine.IVersionProvider version) {
    CommandSpec spec = cl.getCommandSpec();
    if (spec.options().stream().noneMatch(CommandLine.Model.OptionSpec::usageHelp)) {
      spec.mixinStandardHelpOptions(true);
      spec.versionProvider(version);
    }
    spec.usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCodes.help(spec.qualifiedName()));
    for (CommandLine sub : cl.getSubcommands().values()) {
      addHelp(sub, version);
    }
  }

  /**
   * Prints a typed error the command turns into an exit code other than 2: {@code PROGRAM: Type:
   * message; what to do next} on one line of stderr.
   */
  public static void printError(String program, Throwable ex) {
    System.err.println(program + ": " + ex.getClass().getSimpleName() + ": " + oneLine(ex) + NextStep.after(ex));
  }

  /** An exception's message on one line, or its class name when it has none. */
  public static String oneLine(Throwable ex) {
    String m = ex.getMessage();
    return (m == null || m.isBlank()) ? ex.getClass().getSimpleName() : m.replace('\n', ' ');
  }
}
