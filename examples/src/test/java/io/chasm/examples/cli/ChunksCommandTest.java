package io.chasm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chasm.examples.chasm.ChasmCli;
import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.merkle.FileManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunksCommandTest extends CapturedOutput {
  @TempDir Path dir;

  @Test
  void chunks_json_listsEveryChunkAndFileId() throws Exception {
    byte[] data = new byte[300_000];
    new Random(5).nextBytes(data);
    Path f = dir.resolve("data.bin");
    Files.write(f, data);
    int rc = ChasmCli.run("chunks", f.toString(), "--min", "2K", "--avg", "8K", "--max", "32768", "--json");
    assertThat(rc).as(err.toString()).isEqualTo(ExitCodes.OK);

    List<Chunk> expected = new Chunker(new ChunkingParams(2048, 8192, 32768)).chunk(data);
    JsonNode doc = new ObjectMapper().readTree(out.toByteArray());
    assertThat(doc.get("chunks")).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      JsonNode c = doc.get("chunks").get(i);
      assertThat(c.get("offset").asLong()).isEqualTo(expected.get(i).offset());
      assertThat(c.get("length").asInt()).isEqualTo(expected.get(i).length());
      assertThat(c.get("id").asText()).isEqualTo(expected.get(i).id().toString());
    }
    assertThat(doc.get("size").asLong()).isEqualTo(data.length);
    assertThat(doc.get("file_id").asText()).isEqualTo(FileManifest.of(expected).id().hash().toString());
    assertThat(doc.get("params").get("avg").asInt()).isEqualTo(8192);
  }

  @Test
  void chunks_table_printsRowsAndSummary() throws Exception {
    Path f = dir.resolve("small");
    Files.writeString(f, "hello");
    assertThat(ChasmCli.run("chunks", f.toString())).isEqualTo(ExitCodes.OK);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("0        5  sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertThat(text).contains("1 chunks, 5 bytes");
  }

  @Test
  void chunks_missingFile_exit2WithOneLine() {
    assertThat(ChasmCli.run("chunks", dir.resolve("nope").toString())).isEqualTo(ExitCodes.ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8).trim()).startsWith("chasm: no such file").doesNotContain("\n");
    assertThat(out.size()).isZero();
  }

  @Test
  void chunks_badParams_exit2() throws Exception {
    Path f = dir.resolve("small");
    Files.writeString(f, "hello");
    assertThat(ChasmCli.run("chunks", f.toString(), "--min", "8K", "--avg", "4K")).isEqualTo(ExitCodes.ERROR);
    assertThat(ChasmCli.run("chunks", f.toString(), "--avg", "lots")).isEqualTo(ExitCodes.ERROR);
  }
}
