package io.chasm.examples.cli;

import io.chasm.api.ChasmException;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.index.IndexProgress;
import io.chasm.hashtree.index.IndexResult;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotBuilder;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.peer.PeerClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chasm publish DIR --key KEY}: index, then sign the next snapshot; through the tree's
 * running origin daemon when one publishes with that key (it holds the index in memory), else
 * in this process.
 */
@Command(name = "publish", description = "Index DIR and write the next signed snapshot of it.")
public final class PublishCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "directory tree to publish")
  Path dir;

  @Option(names = "--key", required = true, paramLabel = "KEY", description = "private key file (from chasm keygen)")
  Path key;

  @Option(names = "--expires", paramLabel = "DURATION", converter = StateOptions.DurationConverter.class,
      description = "validity of the snapshot, e.g. 7d, 12h (default 7d)")
  Duration expires = SnapshotBuilder.DEFAULT_VALIDITY;

  @Option(names = "--origin", paramLabel = "NAME", description = "repository name for the first snapshot (default: DIR's name)")
  String origin;

  @Mixin StateOptions state;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Option(names = "--notify", paramLabel = "URI",
      description = "tell the chasmd oracle listening here about the new snapshot (default: the state directory's oracle.sock when that socket exists)")
  URI notify;

  @Option(names = "--no-notify", description = "do not tell a running chasmd")
  boolean noNotify;

  @Option(names = "--no-daemon",
      description = "index and sign in this process even when the tree's chasmd publishes on request (STATE/publish.sock)")
  boolean noDaemon;

  @Override
  public Integer call() throws Exception {
    Ed25519Signer signer = KeyFiles.readSigner(key);
    Path abs = dir.toAbsolutePath().normalize();
    String name = origin != null ? origin : abs.getFileName() == null ? "root" : abs.getFileName().toString();
    Path stateDir = state.stateFor(dir);
    String keyId = signer.publicKey().keyId().toString();
    Optional<Map<String, Object>> viaDaemon = noDaemon || !Files.isDirectory(dir)
        ? Optional.empty() : DaemonPublishClient.publish(stateDir, keyId, expires, origin);
    Map<String, Object> m = viaDaemon.isPresent() ? viaDaemon.get() : inProcess(signer, name, stateDir);
    m.put("path", viaDaemon.isPresent() ? "daemon" : "in-process");
    print(m);
    return ExitCodes.OK;
  }

  private Map<String, Object> inProcess(Ed25519Signer signer, String name, Path stateDir) throws Exception {
    IndexResult r;
    SignedSnapshot s;
    String walk;
    try (TreeIndex index = state.open(dir)) {
      IndexProgress p = new IndexProgress();
      r = StateOptions.withProgress(p, () -> index.updateFromJournal(p));
      walk = index.lastWalk();
      s = index.publish(name, expires, signer);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sequence", s.snapshot().sequence());
    m.put("snapshot", s.id().toString());
    m.put("origin", s.snapshot().origin());
    m.put("expires", s.snapshot().expires().toString());
    m.put("signed_by", signer.publicKey().keyId().toString());
    Map<String, Object> summary = StateOptions.summary(r);
    summary.put("walk", walk);
    m.put("index", summary);
    m.put("announced_to", noNotify ? null : announce(stateDir, s));
    return m;
  }

  /** The same lines and JSON members whichever path published. */
  @SuppressWarnings("unchecked")
  private void print(Map<String, Object> m) {
    if (json) {
      System.out.println(StateOptions.json(m));
      return;
    }
    Map<String, Object> index = (Map<String, Object>) m.get("index");
    ((List<Object>) index.get("warnings")).forEach(w -> System.err.println("chasm: warning: " + w));
    System.out.println("snapshot " + m.get("sequence") + " " + m.get("snapshot"));
    System.out.println("root     " + index.get("root"));
    System.out.println("origin   " + m.get("origin"));
    System.out.println("expires  " + m.get("expires"));
    System.out.println("files    " + index.get("files") + " (" + index.get("rehashed_files") + " rehashed)");
    System.out.println("signed   " + m.get("signed_by"));
    if (m.get("daemon_seconds") instanceof Number n) {
      System.out.printf("via      the running daemon (%s), %.3f s there; walk %s%n", m.get("announced_to"), n.doubleValue(),
          index.get("walk"));
    } else if (m.get("announced_to") != null) {
      System.out.println("pushed   announced to the running daemon at " + m.get("announced_to"));
    }
  }

  /**
   * Announces the snapshot to a running oracle so its subscribers get it now rather than at the
   * oracle's next poll. A daemon that is down is not an error: the snapshot is published either way.
   *
   * @return the URI announced to, or null if none
   */
  private String announce(Path stateDir, SignedSnapshot s) {
    URI target = notify;
    if (target == null) {
      Path sock = stateDir.resolve("oracle.sock");
      if (!Files.exists(sock, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      target = URI.create("unix://" + sock);
    }
    try (PeerClient c = PeerClient.connect(target, ClientOptions.defaults().withAgent("chasm-publish"))) {
      PeerClient.await(c.announce(s.snapshot().origin(), s.encode(), List.of()));
      return target.toString();
    } catch (ChasmException | IOException e) {
      System.err.println("chasm: warning: published, but could not announce to " + target + ": " + Commands.oneLine(e));
      return null;
    }
  }
}
