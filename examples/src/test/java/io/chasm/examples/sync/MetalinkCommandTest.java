package io.chasm.examples.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.examples.cli.GetCommand;
import io.chasm.examples.common.ExitCodes;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code chasm metalink} process: per-file output, a mirror list, and its exit codes. */
class MetalinkCommandTest {
  static final Duration LIMIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void perFile_mirrorList_andExitCodes() throws Exception {
    Origin origin = Origin.create(tmp);
    Path tree = tmp.resolve("origin");
    Trees.write(tree.resolve("pool/a.deb"), "a".repeat(5000));
    Trees.write(tree.resolve("pool/b.deb"), "b".repeat(7000));
    Trees.write(tree.resolve("README"), "hi\n");
    origin.publish(tree, "debian");
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path list = Trees.write(work.resolve("mirrors"), "# tier 1\nhttp://de.example/debian/ location=de priority=1\n\nhttps://fr.example/debian\n");

    Path out = work.resolve("meta");
    Cli.Result r = Cli.run(work, LIMIT, "metalink", tree.toString(), "pool", "--mirrors", list.toString(), "--per-file", out.toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.OK);
    assertThat(r.err()).contains("2 file(s) of snapshot 1, 2 read and hashed");
    String a = Files.readString(out.resolve("pool/a.deb.meta4"));
    assertThat(a).contains("<url location=\"de\" priority=\"1\">http://de.example/debian/pool/a.deb</url>")
        .contains("<url>https://fr.example/debian/pool/a.deb</url>").contains("<size>5000</size>");
    assertThat(out.resolve("pool/b.deb.meta4")).exists();
    assertThat(out.resolve("README.meta4")).doesNotExist();

    Cli.Result all = Cli.run(work, LIMIT, "metalink", tree.toString());
    assertThat(all.exit()).isEqualTo(ExitCodes.OK);
    assertThat(all.out()).contains("name=\"README\"").contains("name=\"pool/a.deb\"");
    assertThat(all.err()).contains("3 file(s) of snapshot 1, 1 read and hashed, 2 from the digest cache");

    Cli.Result missing = Cli.run(work, LIMIT, "metalink", tree.toString(), "pool/c.deb");
    assertThat(missing.exit()).isEqualTo(GetCommand.NOT_IN_TREE);
    assertThat(missing.err()).contains("'pool/c.deb' is not in snapshot #1").hasLineCount(1);

    Cli.Result badMirror = Cli.run(work, LIMIT, "metalink", tree.toString(), "--mirror", "file:///etc");
    assertThat(badMirror.exit()).isEqualTo(ExitCodes.ERROR);

    Files.writeString(tree.resolve("README"), "edited, not published\n");
    Files.delete(tmp.resolve("work/meta/pool/a.deb.meta4"));
    Cli.Result changed = Cli.run(work, LIMIT, "metalink", tree.toString(), "README", "--piece-length", "4096");
    assertThat(changed.exit()).isEqualTo(ExitCodes.FAILED_CHECK);
    assertThat(changed.err()).contains("'README' changed since the snapshot").hasLineCount(1);
  }
}
