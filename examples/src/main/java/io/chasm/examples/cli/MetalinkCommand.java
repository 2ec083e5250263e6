package io.chasm.examples.cli;

import io.chasm.api.PathNotFoundException;
import io.chasm.api.UnsafePathException;
import io.chasm.api.VerificationException;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.metalink.MetalinkFile;
import io.chasm.hashtree.metalink.MetalinkWriter;
import io.chasm.hashtree.metalink.MirrorUrl;
import io.chasm.hashtree.metalink.SnapshotMetalink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chasm metalink DIR [FILE...]}: RFC 5854 .meta4 for files of the latest published snapshot. */
@Command(
    name = "metalink",
    description = {
      "Write RFC 5854 Metalink (.meta4) for files of DIR's latest published snapshot: name, size, SHA-256,",
      "piece hashes and one url per mirror. FILE may be a file or directory of the tree (default: all).",
      "Files hashed once are remembered by content (state directory), so later runs read only new content."
    })
public final class MetalinkCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "the published tree (origin or mirror)")
  Path dir;

  @Parameters(index = "1..*", paramLabel = "FILE", description = "tree paths of files or directories (default: the whole tree)")
  List<String> files;

  @Option(names = "--mirror", paramLabel = "URL", description = "base URL of the tree on a mirror (repeatable; priority in order given)")
  List<String> mirrors;

  @Option(names = "--mirrors", paramLabel = "FILE",
      description = "mirror list: one 'URL [location=CC] [priority=N]' per line, # comments")
  Path mirrorList;

  @Option(names = "--piece-length", paramLabel = "BYTES", description = "piece length (default ${DEFAULT-VALUE})",
      defaultValue = "" + SnapshotMetalink.DEFAULT_PIECE_LENGTH)
  int pieceLength;

  @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "one document with every file, written atomically (default: stdout)")
  Path output;

  @Option(names = "--per-file", paramLabel = "OUTDIR", description = "one OUTDIR/PATH.meta4 per file instead (for a redirector)")
  Path perFile;

  @CommandLine.Mixin StateOptions state;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (output != null && perFile != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give -o or --per-file, not both");
    }
    List<MirrorUrl> urls;
    try {
      urls = mirrorUrls();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    SnapshotMetalink.Result r;
    try {
      r = SnapshotMetalink.describe(dir, state.stateFor(dir), files == null ? List.of("") : files, urls, pieceLength);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    } catch (UnsafePathException e) {
      System.err.println("chasm: " + Commands.oneLine(e));
      return ExitCodes.ERROR;
    } catch (PathNotFoundException e) {
      Commands.printError("chasm", e);
      return GetCommand.NOT_IN_TREE;
    } catch (VerificationException e) {
      Commands.printError("chasm", e);
      return ExitCodes.FAILED_CHECK;
    }
    if (perFile != null) {
      for (MetalinkFile f : r.files()) {
        write(perFile.resolve(f.name() + ".meta4"), List.of(f), r);
      }
    } else if (output != null) {
      write(output, r.files(), r);
    } else {
      System.out.write(document(r.files(), r));
      System.out.flush();
    }
    System.err.printf("chasm: %d file(s) of snapshot %d, %d read and hashed, %d from the digest cache%n",
        r.files().size(), r.sequence(), r.hashed(), r.files().size() - r.hashed());
    return ExitCodes.OK;
  }

  private List<MirrorUrl> mirrorUrls() throws IOException {
    List<MirrorUrl> out = new ArrayList<>();
    if (mirrors != null) {
      for (int i = 0; i < mirrors.size(); i++) {
        out.add(new MirrorUrl(mirrors.get(i), null, i + 1));
      }
    }
    if (mirrorList != null) {
      for (String line : Files.readAllLines(mirrorList, StandardCharsets.UTF_8)) {
        MirrorUrl u = MirrorUrl.parseLine(line);
        if (u != null) {
          out.add(u);
        }
      }
    }
    return out;
  }

  private static byte[] document(List<MetalinkFile> files, SnapshotMetalink.Result r) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    MetalinkWriter.write(b, files, r.published(), "chasm (snapshot " + r.sequence() + ")");
    return b.toByteArray();
  }

  /** Temporary file and rename: a reader (a redirector serving OUTDIR) never sees half a document. */
  private static void write(Path target, List<MetalinkFile> files, SnapshotMetalink.Result r) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      Files.write(tmp, document(files, r));
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
