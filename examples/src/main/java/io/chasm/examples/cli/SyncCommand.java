package io.chasm.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ProtocolException;
import io.chasm.api.VerificationException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.publish.MetadataPatterns;
import io.chasm.wire.sync.SyncEngine;
import io.chasm.wire.sync.SyncOptions;
import io.chasm.wire.sync.SyncResult;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code chasm sync URI... DEST --trust KEY.pub}: one verified sync with atomic publish. */
@Command(
    name = "sync",
    description = {
      "Sync DEST from one or more upstreams: verify the signed head, fetch only what changed, verify every",
      "chunk and file, publish atomically (content, then metadata, then deletions)."
    })
public final class SyncCommand implements Callable<Integer> {
  @Parameters(arity = "2..*", paramLabel = "URI... DEST", description = "upstream endpoints, then the destination directory")
  List<String> args;

  @CommandLine.Mixin TrustOptions trust;

  @Option(names = "--repo", paramLabel = "NAME",
      description = "repository name (default: DEST's origin after the first sync, else the upstream's default)")
  String repository;

  @CommandLine.Mixin StateOptions state;

  @Option(names = "--flip", description = "publish a complete new tree under the state directory's trees/ and switch DEST/current")
  boolean flip;

  @Option(names = "--delete",
      description = "delete entries of DEST that the snapshot does not have (after the new content is live);"
          + " without it a first sync into a non-empty DEST with such entries fails and changes nothing")
  boolean delete;

  @Option(names = "--safe-links",
      description = "skip (and report) symlinks whose target is absolute or leaves the tree, like rsync --safe-links;"
          + " without it such a link fails the sync and changes nothing")
  boolean safeLinks;

  @Option(names = "--metadata", paramLabel = "GLOB",
      description = "metadata published after content (repeatable; default Debian dists/ indexes and RPM repodata/)")
  List<String> metadata;

  @Option(names = "--compress", paramLabel = "WHEN", defaultValue = "auto",
      description = "zstd for chunks: auto (not from this host: loopback, unix://), always, never; default ${DEFAULT-VALUE}")
  String compress;

  @Option(names = "--verify-all",
      description = "rehash every file of DEST and write again each that differs from the snapshot, like rsync -c"
          + " (every sync already repairs files whose size, mtime, ctime or inode changed)")
  boolean verifyAll;

  @Option(names = "--json", description = "print a JSON report")
  boolean json;

  @Option(names = "--max-peers", paramLabel = "N", defaultValue = "8",
      description = "peers learned from the upstreams (peer exchange) added as sources, 0 for none; default ${DEFAULT-VALUE}")
  int maxPeers;

  @Option(names = "--allow-private-peers",
      description = "also use loopback and private addresses that a peer at a public address lists")
  boolean allowPrivatePeers;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
      description = "when every upstream is busy (UNAVAILABLE), failing (INTERNAL) or unreachable, try again up to N times;"
          + " each attempt resumes from what the last one verified; 0 to fail at once; default ${DEFAULT-VALUE}")
  int retries;

  @Option(names = "--retry-wait", paramLabel = "DURATION", defaultValue = "10s", converter = StateOptions.DurationConverter.class,
      description = "the longest first wait before a retry (e.g. 10s, 2m); doubled after each failure up to 5 minutes, each wait"
          + " drawn at random below it so that mirrors refused together do not return together; default ${DEFAULT-VALUE}")
  Duration retryWait;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<URI> upstreams = new ArrayList<>();
    for (String a : args.subList(0, args.size() - 1)) {
      URI u = URI.create(a);
      if (u.getScheme() == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "'" + a + "' is not an upstream URI (tcp://host:port, unix:///path, http(s)://mirror/tree/)");
      }
      upstreams.add(u);
    }
    Path dest = Path.of(args.get(args.size() - 1));
    TrustPolicy policy = trust.policy(spec);
    SyncOptions.Builder b = SyncOptions.builder(dest, policy).state(state.state).upstreams(upstreams).repository(repository).flip(flip)
        .deleteUnknown(delete).safeLinks(safeLinks).verifyAll(verifyAll);
    if (maxPeers < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max-peers must be 0 or more, not " + maxPeers);
    }
    b.peers(maxPeers, allowPrivatePeers);
    if (retries < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--retries must be 0 or more, not " + retries);
    }
    try {
      b.chunkCompression(SyncOptions.ChunkCompression.valueOf(compress.toUpperCase(java.util.Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--compress must be auto, always or never, not '" + compress + "'");
    }
    if (metadata != null) {
      b.metadata(MetadataPatterns.of(metadata));
    }
    SyncProgress progress = new SyncProgress(upstreams.size(), System::nanoTime);
    b.listener(progress);
    SyncResult r;
    try {
      SyncEngine engine = new SyncEngine(b.build());
      r = SyncRetries.run(() -> ProgressLine.whileRunning(progress::line, Duration.ofSeconds(1), engine::sync),
          SyncRetries.backoff(retryWait, retries), Thread::sleep, System.err::println);
    } catch (io.chasm.wire.PeerErrorException e) {
      // The upstream refused or failed (UNAVAILABLE, INTERNAL...): not a verification failure.
      Commands.printError("chasm", e);
      return ExitCodes.ERROR;
    } catch (io.chasm.api.EquivocationException e) {
      // Not one bad upstream: the origin's key itself is in doubt, which an operator must see.
      Commands.printError("chasm", e);
      return ExitCodes.EQUIVOCATION;
    } catch (VerificationException | ProtocolException | LimitExceededException e) {
      // The upstream's data or behaviour failed a check: the tree was left as it was.
      Commands.printError("chasm", e);
      return ExitCodes.FAILED_CHECK;
    } catch (io.chasm.api.ChasmException e) {
      Commands.printError("chasm", e);
      return ExitCodes.ERROR;
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sequence", r.sequence());
      m.put("up_to_date", r.upToDate());
      m.put("bytes_received", r.bytesReceived());
      m.put("bytes_sent", r.bytesSent());
      m.put("chunks_fetched", r.chunksFetched());
      m.put("chunks_reused", r.chunksReused());
      m.put("files_added", r.filesAdded());
      m.put("files_changed", r.filesChanged());
      m.put("files_deleted", r.filesDeleted());
      m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
      m.put("banned", r.banned());
      m.put("skipped_symlinks", r.skippedSymlinks());
      m.put("repaired", r.repaired());
      System.out.println(new ObjectMapper().writeValueAsString(m));
    } else if (r.upToDate()) {
      System.out.printf("up to date at snapshot %d (%d bytes on the wire, %.2f s)%n", r.sequence(),
          r.bytesReceived() + r.bytesSent(), r.seconds());
    } else {
      r.repaired().forEach(p -> System.out.println("repaired " + p));
      System.out.printf("synced snapshot %d: %d added, %d changed, %d deleted, %d repaired; %d chunks fetched, %d reused;"
              + " %d bytes received, %d sent, %.2f s%n", r.sequence(), r.filesAdded(), r.filesChanged(), r.filesDeleted(),
          r.repaired().size(), r.chunksFetched(), r.chunksReused(), r.bytesReceived(), r.bytesSent(), r.seconds());
    }
    r.banned().forEach(x -> System.err.println("chasm: banned upstream " + x));
    return ExitCodes.OK;
  }
}
