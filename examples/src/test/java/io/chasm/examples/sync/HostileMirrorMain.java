package io.chasm.examples.sync;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.api.source.OriginChange;
import io.chasm.wire.RepositoryBackend;
import io.chasm.wire.peer.PeerServer;
import io.chasm.wire.serve.PublishedTree;
import io.chasm.wire.serve.TreeServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A misbehaving mirror as its own JVM, for tests that need a process to run and kill: {@code
 * HostileMirrorMain flip|lie TREE} serves the published TREE's head and objects honestly on a loopback
 * port (under its name and "default", as {@code chasm serve} does), prints {@code listening on URI} like {@code chasm serve}, and runs until killed. {@code
 * flip} changes one byte of the 2nd chunk it serves and of every 100th after it (about 1%: the early
 * one so that a downstream meets it before others have served everything); {@code lie} answers
 * not-held for every chunk although its head claims the snapshot.
 */
public final class HostileMirrorMain {
  private HostileMirrorMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !Set.of("flip", "lie").contains(args[0])) {
      System.err.println("usage: HostileMirrorMain flip|lie TREE");
      System.exit(2);
    }
    PublishedTree tree = PublishedTree.open(Path.of(args[1]), Set.of(TreeServer.DEFAULT_ALIAS));
    PeerServer server = PeerServer.builder(new Hostile(tree, args[0].equals("lie"))).build();
    System.out.println("listening on " + server.listen(URI.create("tcp://127.0.0.1:0")));
    System.out.flush();
    Thread.currentThread().join();
  }

  private static final class Hostile implements RepositoryBackend {
    private final RepositoryBackend tree;
    private final boolean lie;
    private final AtomicLong served = new AtomicLong();

    Hostile(RepositoryBackend tree, boolean lie) {
      this.tree = tree;
      this.lie = lie;
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
      if (lie) {
        return Optional.empty();
      }
      return tree.chunk(repository, id).map(data -> {
        if (served.incrementAndGet() % 100 != 2) {
          return data;
        }
        byte[] bad = data.clone();
        bad[bad.length / 2] ^= 0x20;
        return bad;
      });
    }

    /** No reason: a liar that named an origin change would be excused (SPEC §9.18). */
    @Override
    public Optional<OriginChange> originChange(String repository, Hash id) {
      return Optional.empty();
    }
  }
}
