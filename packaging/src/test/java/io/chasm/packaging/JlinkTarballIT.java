package io.chasm.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball runs on its own jlink'd runtime: unpacked anywhere, with a {@code java} on PATH that
 * fails and JAVA_HOME pointing nowhere, its bin/chasm prints its version and carries a small
 * publish, serve and sync.
 */
class JlinkTarballIT {
  @TempDir Path tmp;

  @Test
  void runsAPublishAndSyncOnItsOwnRuntime() throws Exception {
    Cmd.ok("tar", "-xzf", Packages.tarball().toString(), "-C", tmp.toString());
    Path home;
    try (var dirs = Files.list(tmp)) {
      home = dirs.filter(d -> d.getFileName().toString().startsWith("chasm-")).findFirst().orElseThrow();
    }
    for (String f : List.of("bin/chasm", "bin/chasmd", "runtime/bin/java", "man/man1/chasm.1.gz", "man/man1/chasmd.1.gz",
        "systemd/chasmd.service", "etc/chasm.conf", "libexec/chasm-jvm.sh")) {
      assertThat(home.resolve(f)).as(f).exists();
    }
    String modules = Cmd.ok(home.resolve("runtime/bin/java").toString(), "--list-modules");
    assertThat(modules).contains("java.base@").contains("java.sql@").doesNotContain("jdk.compiler@").doesNotContain("jdk.jshell@");

    // A Java on PATH that must not be used.
    Path fake = Files.createDirectories(tmp.resolve("fake-bin"));
    Files.writeString(fake.resolve("java"), "#!/bin/sh\necho 'the system java was used' >&2\nexit 99\n");
    fake.resolve("java").toFile().setExecutable(true);
    Map<String, String> env = Map.of(
        "PATH", fake + ":" + System.getenv("PATH"),
        "JAVA_HOME", "/nonexistent",
        "XDG_CACHE_HOME", tmp.resolve("cache").toString(),
        "CHASM_STATE_HOME", tmp.resolve("state").toString());
    ChasmCommands chasm = new ChasmCommands(home.resolve("bin/chasm").toString(), env);
    assertThat(chasm.run("--version").strip()).startsWith("chasm ");
    assertThat(Cmd.ok(env, home.resolve("bin/chasmd").toString(), "--help")).contains("Usage: chasmd");

    Path origin = tmp.resolve("origin");
    ChasmCommands.writeTree(origin, "1");
    chasm.run("keygen", "--out", tmp.resolve("origin.key").toString());
    chasm.run("publish", origin.toString(), "--key", tmp.resolve("origin.key").toString());
    try (ChasmCommands.Served served = chasm.serve(origin, tmp.resolve("serve.log"))) {
      Path mirror = tmp.resolve("mirror");
      chasm.run("sync", served.uri(), mirror.toString(), "--trust", tmp.resolve("origin.key.pub").toString());
      assertThat(ChasmCommands.contents(mirror)).isEqualTo(ChasmCommands.contents(origin)).isNotEmpty();
    }
    // The launcher recorded a class-data-sharing archive for the next runs, in the user's cache.
    try (var files = Files.list(tmp.resolve("cache/chasm"))) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".jsa"));
    }
  }
}
