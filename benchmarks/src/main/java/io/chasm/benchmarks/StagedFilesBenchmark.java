package io.chasm.benchmarks;

import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.publish.MetadataPatterns;
import io.chasm.hashtree.publish.StagedFile;
import io.chasm.hashtree.publish.StagingArea;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A sync's per-file work on small files (issue 17: an initial sync of /usr/share is 46,768 files of
 * one chunk each): 1,000 staged files of 4 KiB, each written and given its mode and mtime.
 * {@code stageThenChmod} is the old path (existence check, create, write, then a chmod and a
 * setTimes that reads the attributes first); {@code createWithMode} the new one (created with its
 * mode in a staging area known empty, both times given). The second pair is the publish's
 * metadata-path test per file: every glob's regex ({@code globsOnly}, old) against the literal
 * pre-check ({@code prechecked}, new), on the paths of a distribution-like tree.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
public class StagedFilesBenchmark {
  private static final int FILES = 1000;
  private static final FileTime MTIME = FileTime.fromMillis(1_700_000_000_000L);
  private final List<FileManifest> manifests = new ArrayList<>();
  private final List<byte[]> bodies = new ArrayList<>();
  private final List<String> paths = new ArrayList<>();
  private final List<PathMatcher> globs = new ArrayList<>();
  private final MetadataPatterns patterns = MetadataPatterns.defaults();
  private Path dir;

  @Setup(Level.Trial)
  public void data() throws Exception {
    Random r = new Random(17);
    for (int i = 0; i < FILES; i++) {
      byte[] b = new byte[4096];
      r.nextBytes(b);
      bodies.add(b);
      manifests.add(FileManifest.of(new Chunker().chunk(b)));
      paths.add("usr/share/doc/pkg" + i + "/" + (i % 3 == 0 ? "changelog.Debian.gz" : "copyright"));
    }
    paths.add("dists/stable/main/binary-amd64/Packages.xz");
    for (String g : MetadataPatterns.DEFAULT_GLOBS) {
      globs.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
    }
  }

  @Setup(Level.Invocation)
  public void fresh() throws Exception {
    dir = Files.createTempDirectory("chasm-staged-bench");
  }

  @TearDown(Level.Invocation)
  public void clean() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public int stageThenChmod() throws Exception {
    StagingArea area = StagingArea.open(dir);
    for (int i = 0; i < FILES; i++) {
      StagedFile f = area.stage(manifests.get(i));
      f.write(0, bodies.get(i));
      Files.setAttribute(f.path(), "unix:mode", 0644);
      Files.getFileAttributeView(f.path(), BasicFileAttributeView.class).setTimes(MTIME, null, null);
    }
    return FILES;
  }

  @Benchmark
  public int createWithMode() throws Exception {
    StagingArea area = StagingArea.open(dir);
    FileTime now = FileTime.fromMillis(System.currentTimeMillis());
    for (int i = 0; i < FILES; i++) {
      StagedFile f = area.stage(manifests.get(i), 0644, true);
      f.write(0, bodies.get(i));
      if (!f.hasFinalMode()) {
        Files.setAttribute(f.path(), "unix:mode", 0644);
      }
      Files.getFileAttributeView(f.path(), BasicFileAttributeView.class).setTimes(MTIME, now, null);
    }
    return FILES;
  }

  @Benchmark
  public int globsOnly() {
    int n = 0;
    for (String p : paths) {
      Path path = Path.of(p);
      for (PathMatcher m : globs) {
        if (m.matches(path)) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  @Benchmark
  public int prechecked() {
    int n = 0;
    for (String p : paths) {
      n += patterns.matches(p) ? 1 : 0;
    }
    return n;
  }
}
