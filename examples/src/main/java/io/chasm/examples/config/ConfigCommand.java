package io.chasm.examples.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chasm.examples.common.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chasm config check FILE} and {@code chasm config keys}: the config file without starting a daemon. */
@Command(
    name = "config",
    description = "Check a config file, or list every key (docs/config.md).",
    subcommands = {ConfigCommand.Check.class, ConfigCommand.Keys.class})
public final class ConfigCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Validate FILE as the daemons do at start and print the effective settings with where each comes from.",
      footer = "%nExit codes: 0 valid; 2 invalid (one line naming FILE:LINE and the key) or unreadable.")
  static final class Check implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "the config file")
    Path file;

    @Option(names = "--json", description = "print the settings as JSON: {\"file\":…, \"settings\":{key:{value, source}}}")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException(file.toString(), "", "no such file: give the path of the config file (e.g. /etc/chasm/chasm.conf)");
      }
      Settings s = Settings.load(file, Map.of());
      if (json) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("file", file.toString());
        root.put("valid", true);
        ObjectNode settings = root.putObject("settings");
        s.all().forEach((k, v) -> settings.putObject(k).put("value", v.value()).put("source", v.source()));
        System.out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
      } else {
        System.out.println(file + ": valid");
        s.all().forEach((k, v) -> System.out.printf("%-30s = %-40s # %s%n", k, v.value(), v.source()));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "keys", mixinStandardHelpOptions = true, description = "List every key with its default and meaning.")
  static final class Keys implements Callable<Integer> {
    @Option(names = "--markdown", description = "print docs/config.md")
    boolean markdown;

    @Override
    public Integer call() {
      if (markdown) {
        System.out.print(ConfigDoc.markdown());
        return ExitCodes.OK;
      }
      for (ConfigKey k : ConfigKeys.all()) {
        System.out.printf("%-30s %-22s %s%n", k.name(), k.defaultValue().isEmpty() ? "(unset)" : k.defaultValue(), k.meaning());
      }
      return ExitCodes.OK;
    }
  }
}
