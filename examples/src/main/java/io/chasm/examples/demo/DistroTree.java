package io.chasm.examples.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A generated Debian-like tree for the demo and the soak benchmark: {@code pool/main/x/name/*.deb}
 * packages of random (incompressible) bytes, {@code dists/stable/main/binary-amd64/Packages} and
 * {@code dists/stable/Release} that list them with sizes and SHA-256 like the real ones, and an
 * installer image under {@code cdimage/}. Deterministic for a given seed.
 */
public final class DistroTree {
  static final String PACKAGES = "dists/stable/main/binary-amd64/Packages";
  static final String RELEASE = "dists/stable/Release";
  private static final String[] NAMES = {
    "adduser", "apt", "base-files", "bash", "coreutils", "curl", "dash", "debconf", "dpkg", "e2fsprogs",
    "findutils", "gcc-12", "grep", "gzip", "hostname", "init", "iproute2", "less", "libc6", "libssl3",
    "login", "mawk", "mount", "nano", "ncurses-base", "openssh-server", "passwd", "perl-base", "procps",
    "sed", "systemd", "tar", "tzdata", "util-linux", "vim", "wget", "xz-utils", "zlib1g",
  };

  private static final int KEEP_NEW = 5;
  private final Path root;
  private final Random random;

  public DistroTree(Path root, long seed) {
    this.root = root;
    this.random = new Random(seed);
  }

  public Path root() {
    return root;
  }

  /** Writes the first version: {@code packages} packages and an image of {@code imageMiB} MiB. */
  public void create(int packages, int imageMiB) throws IOException {
    for (int i = 0; i < packages; i++) {
      addPackage(NAMES[i % NAMES.length] + (i < NAMES.length ? "" : "-extra" + i), "1.0-1");
    }
    Path iso = root.resolve("cdimage/chasm-12.0-amd64-netinst.iso");
    Files.createDirectories(iso.getParent());
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(iso)) {
      for (int i = 0; i < imageMiB; i++) {
        random.nextBytes(block);
        out.write(block);
      }
    }
    Files.writeString(root.resolve("README"), "CHASM demo archive: a generated, Debian-like tree.\n");
    writeIndexes();
  }

  /** Adds a package file and returns its path relative to the root. */
  public String addPackage(String name, String version) throws IOException {
    String rel = "pool/main/" + name.charAt(0) + "/" + name + "/" + name + "_" + version + "_amd64.deb";
    byte[] b = new byte[20_000 + random.nextInt(300_000)];
    random.nextBytes(b);
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, b);
    return rel;
  }

  /**
   * One round of archive churn: a new version of one package replaces the old, a new package
   * appears (the oldest of more than {@value #KEEP_NEW} such new packages is dropped, so the tree
   * keeps its size over many rounds), then the indexes are rewritten as a real archive run does.
   *
   * @return the new package's path
   */
  public String update(int round) throws IOException {
    List<Path> debs = debs();
    List<Path> fresh = debs.stream().filter(p -> p.getFileName().toString().startsWith("new-")).toList();
    if (fresh.size() >= KEEP_NEW) {
      Path oldest = fresh.stream().min(Comparator.comparing(DistroTree::modified)).orElseThrow();
      Files.delete(oldest);
      debs = debs();
    }
    if (!debs.isEmpty()) {
      Path old = debs.get(random.nextInt(debs.size()));
      String file = old.getFileName().toString();
      String name = file.substring(0, file.indexOf('_'));
      Files.delete(old);
      addPackage(name, "1." + round + "-1");
    }
    String added = addPackage("new-" + round + "-" + Integer.toHexString(random.nextInt(1 << 16)), "0.1-1");
    writeIndexes();
    return added;
  }

  private static java.nio.file.attribute.FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<Path> debs() throws IOException {
    Path pool = root.resolve("pool");
    if (!Files.isDirectory(pool)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(pool)) {
      return s.filter(p -> p.toString().endsWith(".deb")).sorted().toList();
    }
  }

  /** Rewrites Packages and Release from what is in the pool. */
  public void writeIndexes() throws IOException {
    StringBuilder pk = new StringBuilder();
    for (Path p : debs()) {
      String file = p.getFileName().toString();
      String[] parts = file.substring(0, file.length() - 4).split("_");
      byte[] content = Files.readAllBytes(p);
      pk.append("Package: ").append(parts[0]).append('\n')
          .append("Version: ").append(parts[1]).append('\n')
          .append("Architecture: ").append(parts[2]).append('\n')
          .append("Filename: ").append(root.relativize(p)).append('\n')
          .append("Size: ").append(content.length).append('\n')
          .append("SHA256: ").append(sha256(content)).append("\n\n");
    }
    byte[] packages = pk.toString().getBytes(StandardCharsets.UTF_8);
    Path pf = root.resolve(PACKAGES);
    Files.createDirectories(pf.getParent());
    Files.write(pf, packages);
    TreeMap<String, String> release = new TreeMap<>();
    release.put("main/binary-amd64/Packages", sha256(packages) + " " + packages.length);
    StringBuilder r = new StringBuilder("Origin: CHASM demo\nSuite: stable\nArchitectures: amd64\nComponents: main\nSHA256:\n");
    release.forEach((k, v) -> r.append(' ').append(v.split(" ")[0]).append(' ').append(v.split(" ")[1]).append(' ').append(k).append('\n'));
    Files.writeString(root.resolve(RELEASE), r.toString());
  }

  /** Number of regular files and their total size. */
  public long[] stats() throws IOException {
    long[] out = new long[2];
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).filter(p -> !root.relativize(p).startsWith(".chasm")).toList()) {
        out[0]++;
        out[1] += Files.size(p);
      }
    }
    return out;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
