package io.chasm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds directory trees for tests and describes them in a form assertions can compare. */
public final class Trees {
  /** The legacy state directory inside a tree (state is outside by default now); never part of a listing. */
  public static final String STATE_DIR = ".chasm";

  private Trees() {}

  /**
   * Relative path -> {@code "file:EXECUTABLE:SHA256"}, {@code "link:TARGET"} or {@code "dir"},
   * sorted, without the state directory; empty if {@code root} does not exist. Two trees with equal
   * listings hold the same names, bytes, executable bits and link targets.
   */
  public static Map<String, String> listing(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    Path real = root.toRealPath();
    try (Stream<Path> s = Files.walk(real)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = real.relativize(p).toString();
        if (rel.isEmpty() || rel.equals(STATE_DIR) || rel.startsWith(STATE_DIR + "/")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "link:" + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "dir");
        } else {
          out.put(rel, "file:" + Files.isExecutable(p) + ":" + sha256(p));
        }
      }
    }
    return out;
  }

  /** The SHA-256 of a file's bytes, lower-case hex. */
  public static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code content} as UTF-8, creating the parent directories. */
  public static Path write(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** {@code size} pseudo-random bytes, the same for the same seed: incompressible test content. */
  public static byte[] random(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /**
   * Copies a tree as it is: links stay links (not followed); files, directories and links keep
   * their mtimes (links to the microsecond) and files and directories their modes.
   */
  public static void copy(Path from, Path to) throws IOException {
    java.util.List<Path[]> dirs = new java.util.ArrayList<>();
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Files.createSymbolicLink(t, Files.readSymbolicLink(p));
          Files.getFileAttributeView(t, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .setTimes(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS), null, null);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(t);
          dirs.add(new Path[] {p, t});
        } else {
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
          // COPY_ATTRIBUTES keeps microseconds only (utimes); this call keeps the nanoseconds.
          Files.setLastModifiedTime(t, Files.getLastModifiedTime(p));
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    // Like cp -a: a directory's mode and mtime once everything inside it is written, deepest first.
    for (int i = dirs.size() - 1; i >= 0; i--) {
      Path p = dirs.get(i)[0];
      Path t = dirs.get(i)[1];
      Files.setAttribute(t, "unix:mode", Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
      Files.setLastModifiedTime(t, Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
    }
  }
}
