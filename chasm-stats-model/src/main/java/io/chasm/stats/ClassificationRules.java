package io.chasm.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a normalised artifact path maps to a project and a type, and which user agents are bots.
 * Rules are tried in order, first match wins; a rules file's lines come before the defaults
 * ({@link #DEFAULTS}), and a line {@code reset} in the file drops the defaults.
 *
 * <p>File syntax, one rule per line, {@code #} comments:
 * <pre>
 * project NAME PREFIX        # path starts with PREFIX, e.g. project debian /debian/
 * type TYPE .SUFFIX          # file name ends with .SUFFIX (case-insensitive)
 * type TYPE =NAME            # file name is NAME, or starts with NAME. (Packages, Packages.xz)
 * type TYPE /SEGMENT/        # path contains /SEGMENT/
 * bot SUBSTRING              # user agent contains SUBSTRING (case-insensitive)
 * </pre>
 * Without a project rule the project is the first path segment (the rsync module for rsync).
 * Classification runs once per distinct artifact, never per line.
 */
public final class ClassificationRules {
  /** The built-in rules (Debian, Ubuntu, Fedora/EPEL, Apache, kernel.org-style trees). */
  public static final String DEFAULTS = String.join("\n",
      "project debian /debian/",
      "project debian /debian-security/",
      "project debian /debian-cd/",
      "project ubuntu /ubuntu/",
      "project ubuntu /ubuntu-releases/",
      "project ubuntu /ubuntu-cdimage/",
      "project fedora /fedora/",
      "project fedora /fedora-secondary/",
      "project epel /epel/",
      "project epel /fedora-epel/",
      "project apache /apache/",
      "project apache /dist/",
      "project kernel.org /pub/linux/kernel/",
      "project kernel.org /kernel/",
      "project kernel.org /pub/scm/",
      "type git-clone .git",
      "type srpm .src.rpm",
      "type rpm .rpm",
      "type deb .deb",
      "type deb .udeb",
      "type iso .iso",
      "type iso .img",
      "type tarball .tar.gz",
      "type tarball .tgz",
      "type tarball .tar.xz",
      "type tarball .tar.bz2",
      "type tarball .tar.zst",
      "type tarball .zip",
      "type wheel .whl",
      "type jar .jar",
      "type metadata /repodata/",
      "type metadata /dists/",
      "type metadata =repomd.xml",
      "type metadata =Release",
      "type metadata =InRelease",
      "type metadata =Packages",
      "type metadata =Sources",
      "type metadata =Contents-",
      "type metadata =Translation-",
      "type metadata =SHA256SUMS",
      "type metadata =SHA512SUMS",
      "type metadata =MD5SUMS",
      "type metadata =CHECKSUM",
      "type metadata =metalink",
      "type metadata =mirrorlist",
      "type metadata .sha256",
      "type metadata .sha512",
      "type metadata .asc",
      "type metadata .sig",
      "type metadata .sign",
      "bot bot",
      "bot spider",
      "bot crawl",
      "bot slurp",
      "bot facebookexternalhit",
      "bot ia_archiver",
      "bot semrush",
      "bot ahrefs",
      "bot yandex",
      "bot baidu",
      "bot mj12",
      "bot headlesschrome",
      "bot scrapy",
      "bot feedfetcher");

  /** Types a batch may carry. */
  public static final List<String> TYPES = List.of("iso", "deb", "rpm", "srpm", "tarball",
      "wheel", "jar", "metadata", "git-clone", "git-fetch", "other");

  private final List<String[]> projects = new ArrayList<>();
  private final List<String[]> types = new ArrayList<>();
  private final List<byte[]> bots = new ArrayList<>();

  private ClassificationRules() {}

  public static ClassificationRules defaults() {
    return parse(DEFAULTS, "defaults");
  }

  /** The file's rules followed by the defaults (unless the file says {@code reset}). */
  public static ClassificationRules load(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    boolean reset = text.lines().anyMatch(l -> l.strip().equals("reset"));
    return parse(reset ? text : text + "\n" + DEFAULTS, file.toString());
  }

  /**
   * @throws IllegalArgumentException naming the source and line of a bad rule
   */
  public static ClassificationRules parse(String text, String source) {
    ClassificationRules r = new ClassificationRules();
    int n = 0;
    for (String raw : text.split("\n", -1)) {
      n++;
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
      if (line.isEmpty() || line.equals("reset")) {
        continue;
      }
      String[] f = line.split("\\s+");
      boolean ok;
      switch (f[0]) {
        case "project":
          ok = f.length == 3;
          if (ok) {
            r.projects.add(new String[] {f[2], f[1]});
          }
          break;
        case "type":
          ok = f.length == 3 && TYPES.contains(f[1]);
          if (ok) {
            r.types.add(new String[] {f[2], f[1]});
          }
          break;
        case "bot":
          ok = f.length >= 2;
          if (ok) {
            r.bots.add(line.substring(4).strip().toLowerCase(Locale.ROOT)
                .getBytes(StandardCharsets.ISO_8859_1));
          }
          break;
        default:
          ok = false;
      }
      if (!ok) {
        throw new IllegalArgumentException(
            source + ":" + n + ": bad rule '" + line + "' (project NAME PREFIX | type "
                + String.join("|", TYPES) + " PATTERN | bot SUBSTRING)");
      }
    }
    return r;
  }

  /** Project of a normalised path; {@code fallback} (module or vhost) when empty and no rule. */
  public String project(String path, String fallback) {
    for (String[] p : projects) {
      if (path.startsWith(p[0])) {
        return p[1];
      }
    }
    if (fallback != null && !fallback.isEmpty()) {
      return fallback;
    }
    int s = path.startsWith("/") ? 1 : 0;
    int e = path.indexOf('/', s);
    // Collectors refuse projects over 200 characters (SPEC §11.13).
    return e > s && e - s <= 200 ? path.substring(s, e) : "-";
  }

  /** Type of a normalised path. */
  public String type(String path) {
    String file = path.substring(path.lastIndexOf('/') + 1);
    String lower = file.toLowerCase(Locale.ROOT);
    for (String[] t : types) {
      String pat = t[0];
      if (pat.startsWith("=")) {
        String name = pat.substring(1);
        if (file.equals(name) || file.startsWith(name + ".")
            || (name.endsWith("-") && file.startsWith(name))) {
          return t[1];
        }
      } else if (pat.startsWith("/") && pat.endsWith("/") && pat.length() > 1) {
        if (path.contains(pat)) {
          return t[1];
        }
      } else if (lower.endsWith(pat.toLowerCase(Locale.ROOT))) {
        return t[1];
      }
    }
    return "other";
  }

  /** Lower-case bot substrings, for the per-line matcher. */
  public List<byte[]> botPatterns() {
    return bots;
  }
}
