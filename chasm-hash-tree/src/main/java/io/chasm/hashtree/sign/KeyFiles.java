package io.chasm.hashtree.sign;

import io.chasm.api.Hex;
import io.chasm.api.trust.PublicKey;
import io.chasm.api.trust.TrustPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes key files.
 *
 * <p>A private key file {@code KEY} is UTF-8 text, created with mode 0600:
 *
 * <pre>
 * # comment lines start with '#'
 * chasm-private-key-v1
 * ed25519:&lt;64 hex digits: the RFC 8032 private key seed&gt;
 * public ed25519:&lt;64 hex digits: the public key&gt;
 * </pre>
 *
 * The {@code public} line lets a damaged seed be detected on load. The public key file {@code
 * KEY.pub} holds one line, {@link PublicKey#toText()}. Every error names the file and never
 * contains key material.
 */
public final class KeyFiles {
  /** First non-comment line of a private key file. */
  public static final String PRIVATE_KEY_MAGIC = "chasm-private-key-v1";

  private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);

  private KeyFiles() {}

  /** The public key file written next to {@code privateKeyFile}: the same name plus {@code .pub}. */
  public static Path publicKeyFile(Path privateKeyFile) {
    return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
  }

  /**
   * Writes {@code key} (mode 0600) and {@code key.pub}. Neither may exist yet.
   *
   * @throws FileAlreadyExistsException if either file exists; nothing is written then
   */
  public static void writeKeyPair(Path key, Ed25519Signer signer) throws IOException {
    Path pub = publicKeyFile(key);
    if (Files.exists(key, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(key.toString(), null, "key file already exists; not overwriting it");
    }
    if (Files.exists(pub, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(pub.toString(), null, "public key file already exists");
    }
    byte[] seed = signer.seedForExport();
    String text =
        "# CHASM private key: keep it secret; its public half is in "
            + pub.getFileName()
            + "\n"
            + PRIVATE_KEY_MAGIC
            + "\n"
            + "ed25519:"
            + Hex.encode(seed)
            + "\n"
            + "public "
            + signer.publicKey().toText()
            + "\n";
    java.util.Arrays.fill(seed, (byte) 0);
    writeNew(key, text, true);
    writeNew(pub, signer.publicKey().toText() + "\n", false);
  }

  /**
   * Loads a private key file written by {@link #writeKeyPair}.
   *
   * @throws IOException with a one-line message naming the file if it is missing, unreadable or
   *     not a valid private key
   */
  public static Ed25519Signer readSigner(Path key) throws IOException {
    List<String> lines = meaningfulLines(key, "private key");
    if (lines.isEmpty() || !lines.get(0).equals(PRIVATE_KEY_MAGIC)) {
      if (lines.size() == 1 && lines.get(0).startsWith("ed25519:")) {
        throw new IOException(key + ": this is a public key file; pass the private key file");
      }
      throw new IOException(key + ": not a CHASM private key (expected first line " + PRIVATE_KEY_MAGIC + ")");
    }
    if (lines.size() != 3 || !lines.get(1).startsWith("ed25519:") || !lines.get(2).startsWith("public ")) {
      throw new IOException(key + ": malformed private key file (expected an ed25519: line and a public line)");
    }
    byte[] seed;
    PublicKey expected;
    try {
      seed = Hex.decode(lines.get(1).substring("ed25519:".length()));
      expected = PublicKey.parse(lines.get(2).substring("public ".length()));
    } catch (IllegalArgumentException e) {
      throw new IOException(key + ": malformed private key file (bad hex)");
    }
    if (seed.length != Ed25519.SEED_LENGTH) {
      throw new IOException(key + ": Ed25519 private key must be 32 bytes, got " + seed.length);
    }
    Ed25519Signer signer = new Ed25519Signer(seed);
    if (!signer.publicKey().equals(expected)) {
      throw new IOException(key + ": private key does not match its recorded public key (file damaged?)");
    }
    warnIfReadableByOthers(key);
    return signer;
  }

  /**
   * Loads a public key file ({@code ed25519:<hex>} on one line; '#' comments allowed).
   *
   * @throws IOException with a one-line message naming the file if it is missing or invalid
   */
  public static PublicKey readPublicKey(Path file) throws IOException {
    List<String> lines = meaningfulLines(file, "public key");
    if (!lines.isEmpty() && lines.get(0).equals(PRIVATE_KEY_MAGIC)) {
      throw new IOException(file + ": this is a private key file; pass its .pub file");
    }
    if (lines.size() != 1) {
      throw new IOException(file + ": a public key file must hold one line ed25519:<hex>");
    }
    try {
      return PublicKey.parse(lines.get(0));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": not a public key: " + e.getMessage());
    }
  }

  /**
   * Loads the trusted public key files and requires {@code threshold} distinct signatures among
   * them.
   *
   * @throws IOException with a one-line message naming the file if one is missing or invalid
   * @throws IllegalArgumentException if the keys repeat or the threshold is not in 1..keys
   */
  public static TrustPolicy readTrustPolicy(List<Path> files, int threshold) throws IOException {
    List<PublicKey> keys = new java.util.ArrayList<>(files.size());
    for (Path p : files) {
      keys.add(readPublicKey(p));
    }
    return TrustPolicy.of(keys, threshold);
  }

  private static List<String> meaningfulLines(Path file, String what) throws IOException {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length > 64 * 1024) {
        throw new IOException(file + ": too large for a " + what + " file");
      }
      text = new String(bytes, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": " + what + " file not found; " + (what.startsWith("private")
          ? "create a key pair with `chasm keygen --out " + file + "`"
          : "copy the origin's KEY.pub here (`chasm keygen --out KEY` writes KEY.pub beside KEY)"), e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IOException(file + ": permission denied reading " + what + " file", e);
    }
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        out.add(t);
      }
    }
    return out;
  }

  private static void writeNew(Path file, String text, boolean secret) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] attrs =
        posix
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(
                  secret
                      ? PosixFilePermissions.fromString("rw-------")
                      : PosixFilePermissions.fromString("rw-r--r--"))
            }
            : new FileAttribute<?>[0];
    try (FileChannel ch =
        FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
      ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    if (posix && secret) {
      // The umask may have removed bits but never adds them; set exactly 0600 regardless.
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static void warnIfReadableByOthers(Path key) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(key);
      if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.warn("{}: private key is readable by group or others; chmod 600 it", key);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    }
  }
}
