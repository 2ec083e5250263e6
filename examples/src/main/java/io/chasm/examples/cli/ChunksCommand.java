package io.chasm.examples.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.chasm.examples.common.Commands;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.ChunkConsumer;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.merkle.FileManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code chasm chunks FILE}: prints each FastCDC chunk's offset, length and id, and the file id,
 * for debugging and for comparing cut points with other implementations.
 */
@Command(
    name = "chunks",
    description = "Print the content-defined chunks of FILE (offset, length, SHA-256 id) and its file id.")
public final class ChunksCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "file to chunk ('-' reads standard input)")
  String file;

  @Option(names = "--min", paramLabel = "N", converter = SizeConverter.class,
      description = "minimum chunk size in bytes (K, M suffixes = KiB, MiB; default 16K)")
  Integer min;

  @Option(names = "--avg", paramLabel = "N", converter = SizeConverter.class,
      description = "average chunk size (default 64K)")
  Integer avg;

  @Option(names = "--max", paramLabel = "N", converter = SizeConverter.class,
      description = "maximum chunk size (default 256K)")
  Integer max;

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ChunkingParams d = ChunkingParams.DEFAULT;
    ChunkingParams params;
    try {
      params = new ChunkingParams(min != null ? min : d.minSize(), avg != null ? avg : d.avgSize(),
          max != null ? max : d.maxSize());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    ReadableByteChannel in;
    try {
      in = "-".equals(file) ? Channels.newChannel(System.in) : FileChannel.open(Path.of(file), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      System.err.println("chasm: no such file: " + file);
      return ExitCodes.ERROR;
    } catch (IOException e) {
      System.err.println("chasm: cannot open " + file + ": " + Commands.oneLine(e));
      return ExitCodes.ERROR;
    }
    List<Chunk> chunks = new ArrayList<>();
    Chunker chunker = new Chunker(params);
    PrintStream out = System.out;
    try (in; Printer printer = json ? new JsonPrinter(out, file, params) : new TablePrinter(out)) {
      ChunkConsumer each = (c, b, o) -> {
        chunks.add(c);
        printer.chunk(c);
      };
      long size;
      try {
        size = chunker.chunk(in, each);
      } catch (IOException e) {
        out.flush();
        System.err.println("chasm: cannot read " + file + ": " + Commands.oneLine(e));
        return ExitCodes.ERROR;
      }
      printer.end(params, size, FileManifest.of(chunks));
    }
    return ExitCodes.OK;
  }

  private interface Printer extends AutoCloseable {
    void chunk(Chunk c) throws IOException;

    void end(ChunkingParams params, long size, FileManifest manifest) throws IOException;

    @Override
    void close() throws IOException;
  }

  private static final class TablePrinter implements Printer {
    private final PrintStream out;

    TablePrinter(PrintStream out) {
      this.out = out;
      out.printf("%12s %8s  %s%n", "offset", "length", "id");
    }

    @Override
    public void chunk(Chunk c) {
      out.printf("%12d %8d  %s%n", c.offset(), c.length(), c.id());
    }

    @Override
    public void end(ChunkingParams params, long size, FileManifest manifest) {
      out.printf("%d chunks, %d bytes, %s%nfile id %s%n", manifest.chunkCount(), size, params, manifest.id());
    }

    @Override
    public void close() {
      out.flush();
    }
  }

  /** Streams the JSON document so a huge file never needs its whole chunk list in text. */
  private static final class JsonPrinter implements Printer {
    private final JsonGenerator g;

    JsonPrinter(OutputStream out, String file, ChunkingParams params) throws IOException {
      g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeStringField("file", file);
      g.writeObjectFieldStart("params");
      g.writeStringField("algorithm", "fastcdc-2020");
      g.writeNumberField("min", params.minSize());
      g.writeNumberField("avg", params.avgSize());
      g.writeNumberField("max", params.maxSize());
      g.writeNumberField("normalization", ChunkingParams.NORMALIZATION_LEVEL);
      g.writeEndObject();
      g.writeArrayFieldStart("chunks");
    }

    @Override
    public void chunk(Chunk c) throws IOException {
      g.writeStartObject();
      g.writeNumberField("offset", c.offset());
      g.writeNumberField("length", c.length());
      g.writeStringField("id", c.id().toString());
      g.writeEndObject();
    }

    @Override
    public void end(ChunkingParams params, long size, FileManifest manifest) throws IOException {
      g.writeEndArray();
      g.writeNumberField("size", size);
      g.writeNumberField("chunk_count", manifest.chunkCount());
      g.writeStringField("file_id", manifest.id().hash().toString());
      g.writeEndObject();
    }

    @Override
    public void close() throws IOException {
      g.close();
      System.out.println();
    }
  }

  /** Parses sizes such as {@code 65536}, {@code 64K}, {@code 64KiB}, {@code 1M}. */
  static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      String v = value.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
      int shift = 0;
      if (v.endsWith("K")) {
        shift = 10;
      } else if (v.endsWith("M")) {
        shift = 20;
      }
      if (shift > 0) {
        v = v.substring(0, v.length() - 1);
      }
      try {
        long n = Long.parseLong(v) << shift;
        if (n <= 0 || n > Integer.MAX_VALUE) {
          throw new CommandLine.TypeConversionException("size out of range: " + value);
        }
        return (int) n;
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("not a size: " + value);
      }
    }
  }
}
