package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.chasmd.Chasmd;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Walks the whole picocli tree of both executables and asks each command for {@code --help}: exit 0,
 * its usage on stdout, its exit codes listed. A command added later is walked too.
 */
class HelpOnEveryCommandTest extends CapturedOutput {

  @TestFactory
  Stream<DynamicTest> chasm_everyCommandAnswersHelp() {
    return helpTests(Commands.configure("chasm", new CommandLine(new ChasmCli())), ChasmCli::run);
  }

  @TestFactory
  Stream<DynamicTest> chasmd_answersHelp() {
    return helpTests(Commands.configure("chasmd", new CommandLine(new Chasmd())), Chasmd::run);
  }

  @Test
  void walk_findsTheCommandsThatRequireParameters() {
    List<List<String>> paths = new ArrayList<>();
    walk(Commands.configure("chasm", new CommandLine(new ChasmCli())), new ArrayList<>(), paths);
    // The ones that answered with a usage error before: the walk must reach them, or it proves nothing.
    assertThat(paths).contains(List.of("sync"), List.of("serve"), List.of("stats"), List.of("stats", "scan"),
        List.of("collector"), List.of("collector", "mirror", "add"));
  }

  @Test
  void help_listsTheCommandsOwnExitCodes() {
    assertThat(ChasmCli.run("sync", "--help")).isZero();
    String sync = out.toString(StandardCharsets.UTF_8);
    assertThat(sync).contains("Exit codes:").contains(" 5 ").contains("equivocation").contains(" 1 ");
    out.reset();
    assertThat(ChasmCli.run("verify-proof", "-h")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(" 3 ").contains(" 4 ").doesNotContain(" 5 ");
    assertThat(ExitCodes.help("chasm keygen")).containsOnlyKeys(" 0", " 2");
  }

  private Stream<DynamicTest> helpTests(CommandLine root, Function<String[], Integer> run) {
    List<List<String>> paths = new ArrayList<>();
    walk(root, new ArrayList<>(), paths);
    return paths.stream().map(path -> DynamicTest.dynamicTest(root.getCommandName() + " " + String.join(" ", path) + " --help", () -> {
      out.reset();
      err.reset();
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      int code = run.apply(args.toArray(String[]::new));
      String usage = out.toString(StandardCharsets.UTF_8);
      assertThat(code).as("exit code; stderr: %s", err.toString(StandardCharsets.UTF_8)).isZero();
      String name = String.join(" ", args.subList(0, args.size() - 1));
      assertThat(usage).contains("Usage: " + (root.getCommandName() + " " + name).trim() + " ")
          .containsPattern("\nExit codes:\n +0 +\\S").containsPattern("\n +2 +\\S");
      assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }));
  }

  private static void walk(CommandLine cl, List<String> path, List<List<String>> into) {
    into.add(List.copyOf(path));
    cl.getSubcommands().forEach((name, sub) -> {
      if (!name.equals(sub.getCommandName())) {
        return; // an alias: the same command again
      }
      path.add(name);
      walk(sub, path, into);
      path.remove(path.size() - 1);
    });
  }
}
