package io.chasm.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.chasm.examples.common.Durations;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.index.IndexProgress;
import io.chasm.hashtree.index.IndexResult;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.index.TreeIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** Flags and helpers shared by the commands that work on an indexed tree (a picocli mixin). */
final class StateOptions {
  @Option(names = "--state", paramLabel = "PATH",
      description = "state directory: index, pack, snapshot history, lock (default: $CHASM_STATE_HOME/<tree's path>, outside"
          + " the tree; DIR/.chasm if that exists)")
  Path state;

  private boolean hinted;

  /** The state directory of {@code dir}; says once on stderr when it is the legacy one inside the tree. */
  Path stateFor(Path dir) throws IOException {
    Path s = StateLocation.resolve(dir, state);
    if (state == null && !hinted) {
      hinted = true;
      StateLocation.legacyHint(dir, s).ifPresent(h -> System.err.println("chasm: note: " + h));
    }
    return s;
  }

  TreeIndex open(Path dir) throws IOException {
    return TreeIndex.open(dir, stateFor(dir), ChunkingParams.DEFAULT);
  }

  /** Runs {@code work} while drawing a one-line progress display on a terminal's stderr. */
  static <T> T withProgress(IndexProgress p, Callable<T> work) throws Exception {
    return ProgressLine.whileRunning(() -> progressLine(p), Duration.ofSeconds(1), work);
  }

  static String progressLine(IndexProgress p) {
    long total = p.bytesToHash();
    long done = p.bytesHashed();
    int width = 30;
    int filled = total == 0 ? 0 : (int) Math.min(width, done * width / total);
    return String.format(Locale.ROOT, "chasm: [%s%s] %,d entries, hashed %,d/%,d files, %,d/%,d MiB%s",
        "#".repeat(filled), ".".repeat(width - filled), p.entriesSeen(), p.filesHashed(), p.filesToHash(),
        done >> 20, total >> 20, p.walkDone() ? "" : " (walking)");
  }

  static Map<String, Object> summary(IndexResult r) {
    return io.chasm.examples.common.IndexSummary.of(r);
  }

  static String json(Object value) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A picocli converter for {@link Durations}: {@code 7d}, {@code 12h}, {@code 30m}, {@code 90s}, ISO-8601 {@code PT1H}. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
      Duration d;
      try {
        d = Durations.parse(v);
      } catch (Durations.FormatException e) {
        throw new CommandLine.TypeConversionException(e.unknownUnit() ? "not a duration: " + v : "not a duration (e.g. 7d, 12h): " + v);
      }
      // ISO-8601 values were never checked for sign here; the short forms were.
      if (!v.trim().toLowerCase(Locale.ROOT).startsWith("p") && (d.isNegative() || d.isZero())) {
        throw new CommandLine.TypeConversionException("duration must be positive: " + v);
      }
      return d;
    }
  }
}
