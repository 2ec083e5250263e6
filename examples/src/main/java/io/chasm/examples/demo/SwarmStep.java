package io.chasm.examples.demo;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.examples.cli.VerifyCommand;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.serve.PublishedTree;
import io.chasm.wire.sync.SyncEngine;
import io.chasm.wire.sync.SyncOptions;
import io.chasm.wire.sync.SyncResult;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The swarm part of the story: one sync ({@code SyncEngine}, as {@code chasm sync} runs it) into a
 * fresh directory from several sources at once — the origin's {@code chasmd peer}, two honest
 * mirrors of its tree, a liar that claims the snapshot through its head but answers "not held" for
 * every chunk (SPEC §9.13's liar rule), and one that flips a bit of every chunk it sends. The
 * honest ones share the work; both others are banned with their evidence; the new tree verifies.
 *
 * <p>Not the tier-1 and tier-2: after the tamper step the tier-1 serves a damaged file unchecked
 * and the tier-2 is at snapshot 2. The extra sources run in this JVM over the origin's published
 * tree, so that each can count what it served: the sync's own report has no per-source figures.
 */
final class SwarmStep {
  // A sync sizes its requests by each source's measured rate, but its first ones hold 256 chunks,
  // 8 in flight: the demo's snapshot (a few hundred chunks) would all go to the first source.
  // Small requests spread even this snapshot over every source, as a large one is spread anyway.
  private static final int BATCH = 16;
  private static final int DEPTH = 2;

  private enum Mode { HONEST, LIAR, FLIPPER }

  /** A source over the published tree that counts what it served and behaves as its mode says. */
  private static final class Source implements RepositoryBackend {
    final String name;
    final Mode mode;
    final PublishedTree tree;
    final AtomicLong chunks = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong notHeld = new AtomicLong();
    URI uri;

    Source(String name, Mode mode, PublishedTree tree) {
      this.name = name;
      this.mode = mode;
      this.tree = tree;
    }

    @Override
    public Optional<byte[]> head(String repository) throws IOException, ChasmException {
      return tree.head(repository);
    }

    @Override
    public Optional<byte[]> object(String repository, ObjectId id) throws IOException, ChasmException {
      return tree.object(repository, id);
    }

    @Override
    public Optional<byte[]> chunk(String repository, Hash id) throws IOException, ChasmException {
      if (mode == Mode.LIAR) {
        notHeld.incrementAndGet();
        return Optional.empty();
      }
      Optional<byte[]> c = tree.chunk(repository, id);
      if (c.isPresent()) {
        chunks.incrementAndGet();
        bytes.addAndGet(c.get().length);
        if (mode == Mode.FLIPPER && c.get().length > 0) {
          byte[] bad = c.get().clone();
          bad[bad.length / 2] ^= 0x01;
          return Optional.of(bad);
        }
      }
      return c;
    }
  }

  boolean run(Path work, Path originTree, String originUri, Path trustKey) throws IOException {
    Path dest = work.resolve("swarm/debian");
    List<PeerServer> servers = new ArrayList<>();
    try (PublishedTree tree = PublishedTree.open(originTree, Set.of())) {
      List<Source> sources = List.of(new Source("mirror-a", Mode.HONEST, tree), new Source("mirror-b", Mode.HONEST, tree),
          new Source("liar", Mode.LIAR, tree), new Source("flipper", Mode.FLIPPER, tree));
      List<String> args = new ArrayList<>(List.of(originUri));
      for (Source s : sources) {
        PeerServer server = PeerServer.builder(s).build();
        servers.add(server);
        s.uri = server.listen(URI.create("tcp://127.0.0.1:0"));
        args.add(s.uri.toString());
        System.out.println(s.name + " serves " + s.uri + describe(s.mode));
      }
      System.out.println("chasm sync of " + (args.size()) + " sources into " + work.relativize(dest)
          + ", in requests of " + BATCH + " chunks, " + DEPTH + " in flight per source");
      List<URI> upstreams = args.stream().map(URI::create).toList();
      SyncOptions options = SyncOptions.builder(dest, KeyFiles.readTrustPolicy(List.of(trustKey), 1)).upstreams(upstreams)
          .pipelining(BATCH, DEPTH).repository(tree.repository()).peers(0, false).build();
      SyncResult r = new SyncEngine(options).sync();
      System.out.printf(Locale.ROOT, "-> synced snapshot %d: %d files, %d chunks fetched, %d bytes received, %.2f s%n",
          r.sequence(), r.filesAdded(), r.chunksFetched(), r.bytesReceived(), r.seconds());
      return report(r, sources, originUri) && verify(dest, trustKey);
    } catch (ChasmException e) {
      return Narrator.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      servers.forEach(PeerServer::close);
    }
  }

  private static String describe(Mode m) {
    return switch (m) {
      case HONEST -> " (an honest copy of the origin's tree)";
      case LIAR -> " (the origin's signed head, then not-held for every chunk)";
      case FLIPPER -> " (the origin's signed head, then every chunk with one bit flipped)";
    };
  }

  private static boolean report(SyncResult r, List<Source> sources, String originUri) {
    long fetched = r.chunksFetched();
    long byOthers = 0;
    int delivering = 0;
    for (Source s : sources) {
      if (s.mode == Mode.HONEST) {
        byOthers += s.chunks.get();
        delivering += s.chunks.get() > 0 ? 1 : 0;
        System.out.printf(Locale.ROOT, "  %-8s served %5d chunks, %6.1f MiB%n", s.name, s.chunks.get(), s.bytes.get() / 1048576.0);
      }
    }
    // The origin is a separate process: its share is what the sync fetched beyond the others'
    // (end-game copies make this an estimate).
    System.out.printf(Locale.ROOT, "  %-8s served about %d of the %d chunks fetched%n", "origin", Math.max(0, fetched - byOthers), fetched);
    delivering += fetched > byOthers ? 1 : 0;
    List<String> banned = r.banned();
    for (Source s : sources) {
      if (s.mode == Mode.LIAR) {
        System.out.printf(Locale.ROOT, "  %-8s answered not-held for %d chunk ids%n", s.name, s.notHeld.get());
      }
    }
    for (String b : banned) {
      String who = b.startsWith(originUri) ? "origin" : sources.stream().filter(s -> b.startsWith(s.uri.toString())).map(s -> s.name).findFirst().orElse("?");
      System.out.println("  banned " + who + ": " + b);
    }
    boolean liarBanned = banned.stream().anyMatch(b -> b.contains(uriOf(sources, Mode.LIAR)) && b.contains("not-held"));
    boolean flipperBanned = banned.stream().anyMatch(b -> b.contains(uriOf(sources, Mode.FLIPPER)) && b.contains("does not match"));
    boolean originKept = banned.stream().noneMatch(b -> b.startsWith(originUri));
    System.out.println("-> " + delivering + " sources delivered chunks; the liar " + (liarBanned ? "was banned" : "was NOT banned")
        + ", the flipper " + (flipperBanned ? "was banned" : "was NOT banned"));
    return delivering >= 2 && liarBanned && flipperBanned && originKept
        || Narrator.fail("the swarm did not behave: " + banned);
  }

  private static String uriOf(List<Source> sources, Mode m) {
    return sources.stream().filter(s -> s.mode == m).findFirst().orElseThrow().uri.toString();
  }

  private static boolean verify(Path dest, Path trustKey) {
    System.out.println("$ chasm verify swarm/debian --trust origin.key.pub");
    return Narrator.expect(Commands.run("chasm", new VerifyCommand(), dest.toString(), "--trust", trustKey.toString()), ExitCodes.OK,
        "the tree synced from the swarm verifies against the origin's signed snapshot");
  }
}
