package io.chasm.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts an installed unit the way systemd would: with systemctl where systemd is PID 1, else by
 * running the unit file's own ExecStart as its User and Group, in the environment and with the
 * State-, Cache- and RuntimeDirectory systemd would give it (the sandboxing itself is then left to
 * {@code systemd-analyze verify}). Either way the command line tested is the one installed.
 */
final class UnitRunner implements AutoCloseable {
  private static final Map<String, String> DIRECTORY_KINDS = Map.of(
      "StateDirectory", "/var/lib", "CacheDirectory", "/var/cache", "RuntimeDirectory", "/run");

  private final String name;
  private final UnitFile unit;
  private final Process process;

  private UnitRunner(String name, UnitFile unit, Process process) {
    this.name = name;
    this.unit = unit;
    this.process = process;
  }

  static boolean systemdIsInit() {
    try {
      return Files.readString(Path.of("/proc/1/comm")).strip().equals("systemd");
    } catch (IOException e) {
      return false;
    }
  }

  static UnitRunner start(Path unitPath, Path log) throws IOException, InterruptedException {
    String name = unitPath.getFileName().toString();
    UnitFile unit = UnitFile.read(unitPath);
    if (systemdIsInit()) {
      Cmd.ok("systemctl", "daemon-reload");
      Cmd.ok("systemctl", "start", name);
      return new UnitRunner(name, unit, null);
    }
    String user = unit.get("User", "root");
    String group = unit.get("Group", user);
    for (String path : unit.words("ReadWritePaths")) {
      if (!path.startsWith("-") && !Files.exists(Path.of(path))) {
        throw new AssertionError(name + ": ReadWritePaths " + path + " is missing: systemd would refuse to start it");
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    String[] passwd = Cmd.ok("getent", "passwd", user).strip().split(":");
    env.put("USER", user);
    env.put("LOGNAME", user);
    env.put("HOME", passwd[5]);
    env.put("SHELL", passwd[6]);
    for (Map.Entry<String, String> kind : DIRECTORY_KINDS.entrySet()) {
      List<String> dirs = unit.words(kind.getKey());
      List<String> full = new ArrayList<>();
      for (String d : dirs) {
        Path dir = Path.of(kind.getValue(), d);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
          Cmd.ok("install", "-d", "-o", user, "-g", group, "-m", unit.get(kind.getKey() + "Mode", "0755"), dir.toString());
        } else if (!Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(user)) {
          // systemd hands an existing directory to the unit's user, with everything inside.
          Cmd.ok("chown", "-R", user + ":" + group, dir.toString());
        }
        full.add(dir.toString());
      }
      if (!full.isEmpty()) {
        env.put(kind.getKey().replace("Directory", "_DIRECTORY").toUpperCase(), String.join(":", full));
      }
    }
    env.putAll(unit.environment());
    List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + group, "--init-groups",
        "sh", "-c", "umask " + unit.get("UMask", "0022") + " && exec \"$@\"", "sh"));
    argv.addAll(unit.execStart());
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    return new UnitRunner(name, unit, pb.start());
  }

  boolean isAlive() throws IOException, InterruptedException {
    if (process == null) {
      return Cmd.run("systemctl", "is-active", "--quiet", name).exit() == 0;
    }
    return process.isAlive();
  }

  /** Stops it as systemd does (SIGTERM, then the unit's TimeoutStopSec) and returns the exit code. */
  int stop() throws IOException, InterruptedException {
    if (process == null) {
      Cmd.ok("systemctl", "stop", name);
      String status = Cmd.ok("systemctl", "show", "-p", "ExecMainStatus", "--value", name).strip();
      return Integer.parseInt(status);
    }
    process.destroy();
    long timeout = Long.parseLong(unit.get("TimeoutStopSec", "90"));
    if (!process.waitFor(timeout, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(name + " did not stop within TimeoutStopSec=" + timeout + " after SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
    if (process != null) {
      // systemd removes a RuntimeDirectory when the unit stops, unless told to preserve it.
      if (!unit.get("RuntimeDirectoryPreserve", "no").equals("yes")) {
        for (String d : unit.words("RuntimeDirectory")) {
          Cmd.run("rm", "-rf", "/run/" + d);
        }
      }
    }
  }
}
