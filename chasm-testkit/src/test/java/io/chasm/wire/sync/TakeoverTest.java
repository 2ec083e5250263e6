package io.chasm.wire.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.ChasmException;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, "taking over an rsync mirror": a first sync with --delete into a directory another
 * tool filled (files, no snapshot) fetches only what the directory lacks, over a real loopback TCP
 * connection; without --delete, a directory holding entries the snapshot lacks is still refused.
 */
class TakeoverTest {
  private static final URI ANY_PORT = URI.create("tcp://127.0.0.1:0");
  private static final int FILES = 200;

  @TempDir Path tmp;
  private Origin key;

  /** 200 files of 20–120 KB in 10 directories: the origin as rsync last copied it. */
  private Path origin() throws Exception {
    key = Origin.create(tmp);
    Path o = tmp.resolve("origin");
    for (int i = 0; i < FILES; i++) {
      Path f = o.resolve("pool/d" + (i % 10) + "/pkg-" + i + ".deb");
      Files.createDirectories(f.getParent());
      Files.write(f, Trees.random(i, 20_000 + (i * 4_999) % 100_000));
    }
    Trees.write(o.resolve("dists/stable/Release"), "Release\n".repeat(100));
    return o;
  }

  private SyncResult sync(URI from, Path dest, boolean delete) throws Exception {
    return new SyncEngine(SyncOptions.builder(dest, key.trust()).upstream(from)
        .deleteUnknown(delete).build()).sync();
  }

  @Test
  void directoryFilledByAnotherTool_costsTheChangedBytesOnly() throws Exception {
    Path o = origin();
    Path dest = tmp.resolve("mirror");
    Trees.copy(o, dest); // what rsync left: the same files, no .chasm state
    // The origin moves on by 1% of its files, plus one move: 2 appended to, 2 new, 1 renamed.
    long changed = 0;
    for (int i : new int[] {17, 123}) {
      byte[] more = Trees.random(1000 + i, 60_000);
      Files.write(o.resolve("pool/d" + (i % 10) + "/pkg-" + i + ".deb"), more, StandardOpenOption.APPEND);
      changed += more.length;
    }
    for (int i : new int[] {1, 2}) {
      byte[] fresh = Trees.random(2000 + i, 150_000);
      Files.write(o.resolve("pool/d" + i + "/new-" + i + ".deb"), fresh);
      changed += fresh.length;
    }
    Files.move(o.resolve("pool/d5/pkg-45.deb"), o.resolve("pool/d6/pkg-45-renamed.deb"));
    key.publish(o, "demo");
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      SyncResult r = sync(server.uris().get(0), dest, true);
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
      long wire = r.bytesReceived() + r.bytesSent();
      assertThat(wire).as("bytes on the wire for %d changed bytes", changed).isLessThanOrEqualTo((long) (changed * 1.05));
      assertThat(r.filesAdded() + r.filesChanged()).isEqualTo(5);
      assertThat(r.filesDeleted()).isEqualTo(1);
      // Afterwards it is an ordinary mirror: the next sync finds it up to date.
      assertThat(sync(server.uris().get(0), dest, false).upToDate()).isTrue();
    }
  }

  @Test
  void damagedLocalFiles_areFetchedAgain_notTrusted() throws Exception {
    Path o = origin();
    Path dest = tmp.resolve("mirror");
    Trees.copy(o, dest);
    key.publish(o, "demo");
    // Same size, one byte different: the index sees another content and the sync replaces it.
    Path bad = dest.resolve("pool/d3/pkg-33.deb");
    byte[] b = Files.readAllBytes(bad);
    b[b.length / 2] ^= 1;
    Files.write(bad, b);
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      SyncResult r = sync(server.uris().get(0), dest, true);
      assertThat(Trees.listing(dest)).isEqualTo(Trees.listing(o));
      assertThat(r.filesChanged()).isEqualTo(1);
      assertThat(r.bytesReceived()).isLessThan(Files.size(bad) + 20_000);
    }
  }

  @Test
  void extraFilesWithoutDelete_refused_andNothingChanges() throws Exception {
    Path o = origin();
    Path dest = tmp.resolve("mirror");
    Trees.copy(o, dest);
    Trees.write(dest.resolve("pool/stale.deb"), "left over\n");
    Files.write(o.resolve("pool/d1/new.deb"), Trees.random(5, 50_000));
    key.publish(o, "demo");
    Map<String, String> before = Trees.listing(dest);
    try (TreeServer server = TreeServer.start(o, List.of(ANY_PORT))) {
      assertThatThrownBy(() -> sync(server.uris().get(0), dest, false)).isInstanceOf(ChasmException.class)
          .hasMessageContaining("--delete");
      assertThat(Trees.listing(dest)).isEqualTo(before);
    }
  }
}
