package io.chasm.hashtree.index;

import io.chasm.api.Hash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Where a tree's state (index, object pack, snapshot history, lock, staging) lives. The default
 * is outside the tree, so a web server in front of it never serves CHASM's state:
 * {@code $CHASM_STATE_HOME/<name>}, where {@code <name>} is the tree's real path made readable
 * and unique ({@code srv-mirror-debian-1a2b3c4d}: the escaped path and 8 hex digits of the
 * SHA-256 of the real path).
 *
 * <p>{@code CHASM_STATE_HOME} comes from the system property {@value #HOME_PROPERTY} (tests,
 * embedders), else the environment variable {@value #HOME_ENV}, else {@value #SYSTEM_HOME} when
 * running as root or when it is writable, else {@code ${XDG_STATE_HOME:-$HOME/.local/state}/chasm/trees}.
 *
 * <p>A tree that still has a {@value #LEGACY_DIR} directory inside (the layout before state moved
 * out) keeps using it; {@link #legacyHint} says how to move it. Nothing here creates a directory.
 * The methods throw {@link UncheckedIOException} when the real path of the tree's nearest existing
 * ancestor cannot be read.
 */
public final class StateLocation {
  /** The state directory inside the tree, as older versions kept it. */
  public static final String LEGACY_DIR = ".chasm";
  /** The system property naming the state home; wins over {@value #HOME_ENV}. */
  public static final String HOME_PROPERTY = "chasm.state.home";
  /** The environment variable naming the state home. */
  public static final String HOME_ENV = "CHASM_STATE_HOME";
  /** The state home for system-wide mirrors. */
  public static final String SYSTEM_HOME = "/var/lib/chasm/trees";

  private StateLocation() {}

  /** The state directory of {@code tree}: {@code explicit} if given, else {@link #of(Path)}. */
  public static Path resolve(Path tree, Path explicit) {
    return explicit != null ? explicit.toAbsolutePath().normalize() : of(tree);
  }

  /** The state directory of {@code tree}: its legacy {@value #LEGACY_DIR} if present, else {@link #defaultFor}. */
  public static Path of(Path tree) {
    Path legacy = legacyDirectory(tree);
    return isLegacy(tree) ? legacy : defaultFor(tree);
  }

  /** The default state directory of {@code tree}, outside it (whether or not a legacy one exists). */
  public static Path defaultFor(Path tree) {
    return home().resolve(nameOf(tree));
  }

  /** {@code TREE/.chasm}. */
  public static Path legacyDirectory(Path tree) {
    return tree.toAbsolutePath().normalize().resolve(LEGACY_DIR);
  }

  /** True if {@code tree} still keeps its state inside, in {@value #LEGACY_DIR}. */
  public static boolean isLegacy(Path tree) {
    return Files.isDirectory(legacyDirectory(tree), LinkOption.NOFOLLOW_LINKS);
  }

  /** True if {@code state} is the legacy state directory inside {@code tree}. */
  public static boolean isLegacy(Path tree, Path state) {
    return state.toAbsolutePath().normalize().equals(legacyDirectory(tree));
  }

  /** For a tree using its legacy state directory, one line saying how to move it out; else empty. */
  public static Optional<String> legacyHint(Path tree, Path state) {
    if (!isLegacy(tree, state)) {
      return Optional.empty();
    }
    return Optional.of(state + " is inside the served tree (a web server in front of it serves CHASM's state);"
        + " pass --state DIR, or move it to the default: mv " + state + " " + defaultFor(tree));
  }

  /** The state home (see the class comment). */
  public static Path home() {
    String p = System.getProperty(HOME_PROPERTY);
    if (p != null && !p.isBlank()) {
      return Paths.get(p).toAbsolutePath().normalize();
    }
    String e = System.getenv(HOME_ENV);
    if (e != null && !e.isBlank()) {
      return Paths.get(e).toAbsolutePath().normalize();
    }
    Path system = Paths.get(SYSTEM_HOME);
    if ("root".equals(System.getProperty("user.name")) || writable(system)) {
      return system;
    }
    String xdg = System.getenv("XDG_STATE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".local", "state");
    return base.resolve("chasm").resolve("trees").toAbsolutePath().normalize();
  }

  /** True if {@code dir} exists and is writable, or its nearest existing ancestor is (so it can be created). */
  private static boolean writable(Path dir) {
    Path p = dir;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p != null && Files.isWritable(p);
  }

  /**
   * The tree's name under the state home: its real path with {@code /} as {@code -} and anything
   * but letters, digits, {@code .}, {@code _} and {@code -} as {@code _}, then the first 8 hex
   * digits of the SHA-256 of the real path (so {@code /a-b} and {@code /a/b} differ).
   */
  public static String nameOf(Path tree) {
    String real = realPath(tree).toString();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < real.length(); i++) {
      char c = real.charAt(i);
      if (c == '/') {
        if (b.length() > 0 && i < real.length() - 1) {
          b.append('-');
        }
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
        b.append(c);
      } else {
        b.append('_');
      }
    }
    // Keep the name well under NAME_MAX and a socket path inside it under sun_path's 108 bytes.
    String readable = b.length() > 24 ? b.substring(b.length() - 24) : b.toString();
    if (readable.isEmpty() || readable.startsWith(".") || readable.startsWith("-")) {
      readable = "root" + (readable.isEmpty() ? "" : "-" + readable);
    }
    String hex = Hash.sha256(real.getBytes(StandardCharsets.UTF_8)).hex();
    return readable + "-" + hex.substring(0, 8);
  }

  /**
   * The real path of {@code tree}, also when it does not exist yet: the real path of its nearest
   * existing ancestor plus the rest, which is what it will be once created.
   */
  static Path realPath(Path tree) {
    Path abs = tree.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
