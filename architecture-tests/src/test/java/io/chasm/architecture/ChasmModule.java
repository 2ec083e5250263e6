package io.chasm.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reactor's modules, each found by where its classes come from: a {@code DIR/target/classes}
 * directory or a packaged jar on the test class path. Packages such as {@code io.chasm.*} span
 * modules, so a package name alone cannot say which module a class belongs to.
 */
enum ChasmModule {
  API("chasm-api", "chasm-api"),
  HASH_TREE("chasm-hash-tree", "chasm-hash-tree"),
  STATS_MODEL("chasm-stats-model", "chasm-stats-model"),
  WIRE("chasm-wire", "chasm-wire"),
  TESTKIT("chasm-testkit", "chasm-testkit"),
  COLLECTOR("chasm-collector", "chasm-collector"),
  TCK("tck", "chasm-tck"),
  EXAMPLES("examples", "chasm-examples");

  final String dir;
  final String artifactId;

  ChasmModule(String dir, String artifactId) {
    this.dir = dir;
    this.artifactId = artifactId;
  }

  private static final Map<ChasmModule, Path> LOCATIONS = locate();
  private static JavaClasses all;

  /** The classes of every module, imported once: rules filter them by {@link #of(JavaClass)}. */
  static synchronized JavaClasses allClasses() {
    if (all == null) {
      List<Location> locations = new ArrayList<>();
      for (Path p : LOCATIONS.values()) {
        // A jar file given as a plain path would be read as a directory: nothing in it.
        locations.add(Files.isDirectory(p) ? Location.of(p) : Location.of(URI.create("jar:" + p.toUri() + "!/")));
      }
      all = new ClassFileImporter().importLocations(locations);
    }
    return all;
  }

  /** This module's classes only. */
  JavaClasses classes() {
    return allClasses().that(com.tngtech.archunit.base.DescribedPredicate.describe(
        "are in " + dir, c -> of(c).orElse(null) == this));
  }

  Path location() {
    return LOCATIONS.get(this);
  }

  /** The module a class was imported from; empty for the JDK and third-party classes. */
  static Optional<ChasmModule> of(JavaClass c) {
    JavaClass base = c.getBaseComponentType();
    if (base.getSource().isEmpty()) {
      return Optional.empty();
    }
    URI uri = base.getSource().get().getUri();
    if (uri.getScheme().equals("jar")) {
      String s = uri.getSchemeSpecificPart();
      uri = URI.create(s.substring(0, s.indexOf("!/")));
    }
    if (!uri.getScheme().equals("file")) {
      return Optional.empty();
    }
    Path file = Path.of(uri).toAbsolutePath().normalize();
    for (Map.Entry<ChasmModule, Path> e : LOCATIONS.entrySet()) {
      if (file.startsWith(e.getValue())) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  private static Map<ChasmModule, Path> locate() {
    // Surefire may start the JVM with a manifest-only jar; it then passes the real path here.
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<Path> entries = Arrays.stream(cp.split(File.pathSeparator)).map(Path::of).toList();
    Map<ChasmModule, Path> found = new EnumMap<>(ChasmModule.class);
    for (ChasmModule m : values()) {
      Path p = entries.stream().filter(m::isLocation).findFirst()
          .orElseThrow(() -> new IllegalStateException("no classes of " + m.dir + " on the class path " + cp));
      found.put(m, p.toAbsolutePath().normalize());
    }
    return found;
  }

  private boolean isLocation(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    String name = abs.getFileName().toString();
    Path target = abs.getParent();
    boolean inReactor = target != null && target.getFileName().toString().equals("target")
        && target.getParent() != null && target.getParent().getFileName().toString().equals(dir);
    if (inReactor) {
      return name.equals("classes") && Files.isDirectory(abs)
          || name.endsWith(".jar") && !name.endsWith("-tests.jar") && !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar");
    }
    // Outside the reactor: the artifact in a local repository.
    return name.startsWith(artifactId + "-") && name.endsWith(".jar") && abs.toString().contains("/io/chasm/" + artifactId + "/");
  }
}
