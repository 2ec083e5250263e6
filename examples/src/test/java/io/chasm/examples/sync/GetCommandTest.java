package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.cli.GetCommand;
import io.chasm.examples.common.ExitCodes;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code chasm get} process against loopback peers: the file, and each exit code of its contract. */
class GetCommandTest {
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void get_writesTheFile_andEachFailureHasItsExitCode() throws Exception {
    Origin origin = Origin.create(tmp);
    Path tree = tmp.resolve("origin");
    Files.createDirectories(tree.resolve("pool/main"));
    Files.write(tree.resolve("pool/main/a.deb"), Trees.random(9, 400_000));
    origin.publish(tree, "debian");
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path out = work.resolve("a.deb");
    String key = origin.publicKeyFile().toString();
    try (TreeServer a = TreeServer.start(tree, List.of(URI.create("tcp://127.0.0.1:0")));
        TreeServer b = TreeServer.start(tree, List.of(URI.create("tcp://127.0.0.1:0")))) {
      String ua = a.uris().get(0).toString();
      String ub = b.uris().get(0).toString();
      Cli.Result ok = Cli.run(work, LIMIT, "get", ua, ub, "pool/main/a.deb", "--trust", key, "-o", out.toString(),
          "--repo", "debian", "--json");
      assertThat(ok.exit()).as(ok.err()).isEqualTo(ExitCodes.OK);
      assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tree.resolve("pool/main/a.deb")));
      assertThat(ok.out()).contains("\"sequence\":1").contains("\"size\":400000");

      Cli.Result missing = Cli.run(work, LIMIT, "get", ua, "pool/main/b.deb", "--trust", key, "-o", work.resolve("b").toString());
      assertThat(missing.exit()).isEqualTo(GetCommand.NOT_IN_TREE);
      assertThat(missing.err()).contains("'pool/main/b.deb' is not in snapshot #1").hasLineCount(1);

      Cli.Result unsafe = Cli.run(work, LIMIT, "get", ua, "../etc/passwd", "--trust", key);
      assertThat(unsafe.exit()).isEqualTo(ExitCodes.ERROR);
      assertThat(unsafe.err()).contains("unsafe component").hasLineCount(1);

      Origin stranger = Origin.create(Files.createDirectories(tmp.resolve("stranger")));
      Cli.Result untrusted = Cli.run(work, LIMIT, "get", ua, "pool/main/a.deb", "--trust", stranger.publicKeyFile().toString(),
          "-o", work.resolve("c").toString());
      assertThat(untrusted.exit()).isEqualTo(ExitCodes.FAILED_CHECK);
      assertThat(untrusted.err()).contains("SignatureException").hasLineCount(1);

      Cli.Result dead = Cli.run(work, LIMIT, "get", "tcp://127.0.0.1:1", "pool/main/a.deb", "--trust", key,
          "-o", work.resolve("d").toString());
      assertThat(dead.exit()).isEqualTo(ExitCodes.ERROR);
      assertThat(dead.err()).contains("no source could be reached").hasLineCount(1);
    }
    try (Stream<Path> s = Files.list(work)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("a.deb");
    }
  }
}
