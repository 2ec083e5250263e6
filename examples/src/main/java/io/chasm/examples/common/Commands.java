package io.chasm.examples.common;

import picocli.CommandLine;

/** Running a picocli command the way both executables do: an exception is one line on stderr and exit 2. */
public final class Commands {
  private Commands() {}

  /**
   * Runs {@code command} in-process with {@code args} and returns its exit code; a failure is
   * printed as {@code PROGRAM: message}.
   */
  public static int run(String program, Object command, String... args) {
    return configure(program, new CommandLine(command)).execute(args);
  }

  /** Sets the exception handling of {@link #run} on {@code cl} and returns it. */
  public static CommandLine configure(String program, CommandLine cl) {
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println(program + ": " + oneLine(ex));
          return ExitCodes.ERROR;
        });
    cl.setExitCodeExceptionMapper(ex -> ExitCodes.ERROR);
    return cl;
  }

  /** An exception's message on one line, or its class name when it has none. */
  public static String oneLine(Throwable ex) {
    String m = ex.getMessage();
    return (m == null || m.isBlank()) ? ex.getClass().getSimpleName() : m.replace('\n', ' ');
  }
}
