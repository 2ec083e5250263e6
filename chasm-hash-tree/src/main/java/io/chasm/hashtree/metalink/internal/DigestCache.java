package io.chasm.hashtree.metalink.internal;

import io.chasm.api.ObjectId;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Digests already computed, by file id and piece length, in the tree's state directory. A file id
 * names the exact bytes, so an entry never goes stale: a file unchanged since the last run is not
 * read again, whatever its stat says. One line per file ({@code FILEID PIECELEN SHA256
 * PIECE,PIECE,...}), appended; a line that does not parse (a crash mid-append) is ignored and
 * that file is simply hashed again.
 */
public final class DigestCache {
  private final Path file;
  private final Map<String, FileDigests.Digests> entries = new HashMap<>();
  private final StringBuilder pending = new StringBuilder();

  private DigestCache(Path file) {
    this.file = file;
  }

  public static DigestCache load(Path file) throws IOException {
    DigestCache c = new DigestCache(file);
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ", -1);
        if (f.length == 4 && f[0].matches("[0-9a-f]{64}") && f[1].matches("[1-9][0-9]{0,9}") && f[2].matches("[0-9a-f]{64}")
            && f[3].matches("([0-9a-f]{64}(,[0-9a-f]{64})*)?")) {
          List<String> pieces = f[3].isEmpty() ? List.of() : Arrays.asList(f[3].split(","));
          c.entries.put(f[0] + " " + f[1], new FileDigests.Digests(f[2], pieces));
        }
      }
    }
    return c;
  }

  public FileDigests.Digests get(ObjectId fileId, int pieceLength) {
    return entries.get(fileId.hash().hex() + " " + pieceLength);
  }

  public void put(ObjectId fileId, int pieceLength, FileDigests.Digests d) {
    entries.put(fileId.hash().hex() + " " + pieceLength, d);
    pending.append(fileId.hash().hex()).append(' ').append(pieceLength).append(' ').append(d.sha256()).append(' ')
        .append(String.join(",", d.pieces())).append('\n');
  }


  /** Appends what {@link #put} added since the last save. */
  public void save() throws IOException {
    if (pending.length() == 0) {
      return;
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      w.write(pending.toString());
    }
    pending.setLength(0);
  }
}
