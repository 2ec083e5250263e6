package io.chasm.hashtree.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The literal pre-check of {@link MetadataPatterns#matches} answers exactly as the globs alone do. */
class MetadataPatternsPropertiesTest {
  static final List<String> GLOBS = List.of(
      "dists/**/{InRelease,Release,Release.gpg,Packages*,Sources*}", "**/dists/**/{InRelease,Release,Release.gpg,Packages*,Sources*}",
      "repodata/**", "**/repodata/**", "pool/*/[ab]*/x?.deb", "**/*.{xml,json}", "meta*data/**/index");

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> part = Arbitraries.of("dists", "repodata", "pool", "main", "a", "b", "xy.deb", "x1.deb", "Release",
        "InRelease", "Release.gpg", "Packages", "Packages.xz", "Sources.gz", "index", "metadata", "meta-data", "f.xml",
        "g.json", "README", "distsx", "repodata2");
    return part.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("/", l));
  }

  @Property(tries = 2000)
  void sameAnswerAsTheGlobsAlone(@ForAll("paths") String path) {
    MetadataPatterns p = MetadataPatterns.of(GLOBS);
    boolean plain = false;
    for (String g : GLOBS) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + g);
      plain |= m.matches(Path.of(path));
    }
    assertThat(p.matches(path)).as(path).isEqualTo(plain);
  }

  @Test
  void literalsAreTheRunsOutsideGroups() {
    assertThat(MetadataPatterns.literals("**/dists/**/{InRelease,Release}")).containsExactly("/dists/", "/");
    assertThat(MetadataPatterns.literals("pool/*/[ab]*/x?.deb")).containsExactly("pool/", "/", "/x", ".deb");
    assertThat(MetadataPatterns.literals("a\\*b")).isEmpty();
  }
}
