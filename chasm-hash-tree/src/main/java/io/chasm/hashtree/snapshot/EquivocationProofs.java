package io.chasm.hashtree.snapshot;

import io.chasm.api.CorruptObjectException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The equivocation proofs a mirror holds: one file per proof in its state directory's {@code
 * equivocation/} ({@code seq-<sequence>-<id prefix>.proof}). While any is there the mirror moves to
 * no snapshot at or above the lowest proven sequence; an operator removes the files once the
 * origin has rotated its key. Files that do not decode are skipped.
 */
public final class EquivocationProofs {
  public static final String DIRECTORY = "equivocation";

  private final Path dir;

  private EquivocationProofs(Path dir) {
    this.dir = dir;
  }

  /** The proofs in {@code stateDir}/{@value #DIRECTORY} (the directory is created on the first write). */
  public static EquivocationProofs in(Path stateDir) {
    return new EquivocationProofs(stateDir.resolve(DIRECTORY));
  }

  /** Writes {@code p} (atomically; the same proof twice is one file) and returns its path. */
  public Path write(EquivocationProof p) throws IOException {
    Files.createDirectories(dir);
    byte[] bytes = p.encode();
    String id = HexFormat.of().formatHex(io.chasm.api.Hash.sha256(bytes).bytes(), 0, 8);
    Path file = dir.resolve("seq-" + p.sequence() + "-" + id + ".proof");
    if (!Files.exists(file)) {
      Path tmp = Files.createTempFile(dir, ".proof", ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  /** The proof files, sorted by name. */
  public List<Path> files() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".proof")).sorted().toList();
    }
  }

  /** Every proof that decodes, in file-name order. */
  public List<EquivocationProof> all() throws IOException {
    List<EquivocationProof> out = new ArrayList<>();
    for (Path f : files()) {
      try {
        out.add(EquivocationProof.decode(Files.readAllBytes(f)));
      } catch (CorruptObjectException e) {
        // Not ours to judge here: chasm verify-proof names what is wrong with it.
      }
    }
    return out;
  }

  /** The lowest sequence proven equivocated for {@code origin}, if any. */
  public OptionalLong lowestSequence(String origin) throws IOException {
    return all().stream().filter(p -> p.origin().equals(origin)).mapToLong(EquivocationProof::sequence).min();
  }
}
