package io.chasm.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.api.ChasmException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.PathNotFoundException;
import io.chasm.api.ProtocolException;
import io.chasm.api.UnsafePathException;
import io.chasm.api.VerificationException;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import io.chasm.wire.get.Download;
import io.chasm.wire.get.VerifiedDownload;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chasm get URI... PATH --trust KEY.pub [-o FILE]}: one file, verified from the signed root, no sync. */
@Command(
    name = "get",
    description = {
      "Download one file of a signed tree from any mix of sources, without syncing the tree: the newest head",
      "that verifies, the trees on the way to PATH (an inclusion proof), the file's manifest, then its chunks",
      "from every source at once, each verified. Written to a temporary file and renamed: never a partial FILE."
    })
public final class GetCommand implements Callable<Integer> {
  /** PATH names nothing the signed tree holds as a regular file. */
  public static final int NOT_IN_TREE = ExitCodes.NOT_IN_TREE;

  @Parameters(arity = "2..*", paramLabel = "URI... PATH", description = "sources (tcp://, unix://, http(s):// of a tree with a static export), then the file's path in the tree")
  List<String> args;

  @CommandLine.Mixin TrustOptions trust;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "where to write it (default: PATH's last name, here)")
  Path output;

  @Option(names = "--repo", paramLabel = "NAME", description = "repository name (default: the sources' default)")
  String repository;

  @Option(names = "--json", description = "print a JSON report")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<URI> sources = new ArrayList<>();
    for (String a : args.subList(0, args.size() - 1)) {
      URI u = URI.create(a);
      if (u.getScheme() == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "'" + a + "' is not a source URI (tcp://host:port, unix:///path, http://mirror/tree/)");
      }
      sources.add(u);
    }
    String path = args.get(args.size() - 1);
    Path out = output != null ? output : Path.of(path.substring(path.lastIndexOf('/') + 1));
    VerifiedDownload get = VerifiedDownload.from(sources).trust(trust.policy(spec));
    if (repository != null) {
      get.repository(repository);
    }
    Download d;
    try {
      d = get.get(path, out);
    } catch (UnsafePathException e) {
      System.err.println("chasm: " + Commands.oneLine(e));
      return ExitCodes.ERROR;
    } catch (PathNotFoundException e) {
      Commands.printError("chasm", e);
      return NOT_IN_TREE;
    } catch (VerificationException | ProtocolException | LimitExceededException e) {
      Commands.printError("chasm", e);
      return ExitCodes.FAILED_CHECK;
    } catch (ChasmException e) {
      Commands.printError("chasm", e);
      return ExitCodes.ERROR;
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", d.path());
      m.put("file", d.file().toString());
      m.put("sequence", d.sequence());
      m.put("file_id", d.fileId().hash().hex());
      m.put("size", d.size());
      m.put("bytes_by_source", d.bytesBySource());
      m.put("dropped", d.dropped());
      System.out.println(new ObjectMapper().writeValueAsString(m));
    } else {
      System.out.printf("%s: %d bytes, verified against snapshot %d, from %d source(s)%n", out, d.size(), d.sequence(),
          d.bytesBySource().size());
    }
    d.dropped().forEach(x -> System.err.println("chasm: " + x));
    return ExitCodes.OK;
  }
}
