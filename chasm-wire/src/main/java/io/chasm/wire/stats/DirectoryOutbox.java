package io.chasm.wire.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An outbox on disk: one {@code *.batch} file (exact StatsBatch bytes) per batch in a directory,
 * sent in name order. Acknowledged batches are deleted; refused ones are moved to
 * {@code rejected/} with a {@code .reason} file beside them.
 */
public final class DirectoryOutbox implements StatsSubmitter.Outbox {
  public static final String SUFFIX = ".batch";
  private final Path dir;

  public DirectoryOutbox(Path dir) {
    this.dir = dir;
  }

  @Override
  public List<StatsSubmitter.Pending> pending() throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("spool directory " + dir + " does not exist");
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p)).sorted().forEach(files::add);
    }
    List<StatsSubmitter.Pending> out = new ArrayList<>();
    for (Path f : files) {
      out.add(new StatsSubmitter.Pending(f.getFileName().toString(), Files.readAllBytes(f)));
    }
    return out;
  }

  @Override
  public void acknowledge(StatsSubmitter.Pending batch) throws IOException {
    Files.deleteIfExists(dir.resolve(batch.name()));
  }

  @Override
  public void reject(StatsSubmitter.Pending batch, String reason) throws IOException {
    Path rejected = Files.createDirectories(dir.resolve("rejected"));
    Files.writeString(rejected.resolve(batch.name() + ".reason"), reason + "\n", StandardCharsets.UTF_8);
    Files.move(dir.resolve(batch.name()), rejected.resolve(batch.name()), StandardCopyOption.REPLACE_EXISTING);
  }
}
