package io.chasm.hashtree.metalink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.api.Hex;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.metalink.MirrorUrl;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Produces {@code tck/vectors/metalink.json} (SPEC §13) and checks the Java code against it: piece
 * digests of {@code stream(seed, n)} inputs and mirror URLs of raw names. Regenerate with {@code
 * -Dchasm.writeVectors=true}; {@code tck/check_vectors.py} re-derives every entry without Java.
 */
class MetalinkVectorsTest {
  static final Path FILE = Path.of("..", "tck", "vectors", "metalink.json");

  record Digest(String seed, int size, int pieceLength) {}

  record Url(String base, List<byte[]> names) {}

  static final List<Digest> DIGESTS = List.of(new Digest("metalink-short", 1000, 999),
      new Digest("metalink-exact", 65536, 16384), new Digest("metalink-tail", 200_001, 65536));

  static final List<Url> URLS = List.of(
      new Url("http://mirror.example/debian/", List.of(bytes("pool"), bytes("main"), bytes("pkg_1.0-1+b2_amd64.deb"))),
      new Url("https://mirror.example/debian", List.of(bytes("a&b <c> \"d\" 100%.txt"))),
      new Url("ftp://mirror.example/pub/", List.of(bytes("é~x"), new byte[] {(byte) 0xff, 0x2e, 0x3f, 0x23})));

  @TempDir Path tmp;

  @Test
  void vectors_matchTheCode() throws Exception {
    StringBuilder j = new StringBuilder();
    j.append("{\n  \"description\": \"SPEC 13: SHA-256 and fixed-length piece hashes of stream(seed, size) (SPEC 2.9),")
        .append(" and the URL of a file on a mirror: base, '/' unless it ends with one, then each name's bytes with")
        .append(" A-Z a-z 0-9 - . _ ~ kept and every other byte as %XX (upper-case hex), joined by '/'\",\n");
    j.append("  \"digests\": [\n");
    for (int i = 0; i < DIGESTS.size(); i++) {
      Digest d = DIGESTS.get(i);
      byte[] data = stream(d.seed(), d.size());
      Path f = tmp.resolve(d.seed());
      Files.write(f, data);
      FileDigests.Digests got = FileDigests.compute(f, d.seed(), FileManifest.of(new Chunker().chunk(data)), d.pieceLength());
      j.append("    {\"seed\": \"").append(d.seed()).append("\", \"size\": ").append(d.size()).append(", \"piece_length\": ")
          .append(d.pieceLength()).append(", \"sha256\": \"").append(got.sha256()).append("\", \"pieces\": [");
      for (int p = 0; p < got.pieces().size(); p++) {
        j.append(p == 0 ? "" : ", ").append('"').append(got.pieces().get(p)).append('"');
      }
      j.append("]}").append(i + 1 < DIGESTS.size() ? ",\n" : "\n");
    }
    j.append("  ],\n  \"urls\": [\n");
    for (int i = 0; i < URLS.size(); i++) {
      Url u = URLS.get(i);
      j.append("    {\"base\": \"").append(u.base()).append("\", \"names_hex\": [");
      for (int n = 0; n < u.names().size(); n++) {
        j.append(n == 0 ? "" : ", ").append('"').append(Hex.encode(u.names().get(n))).append('"');
      }
      String url = new MirrorUrl(u.base(), null, 0).resolve(u.names().toArray(new byte[0][]));
      j.append("], \"url\": \"").append(url).append("\"}").append(i + 1 < URLS.size() ? ",\n" : "\n");
    }
    j.append("  ]\n}\n");
    if (Boolean.getBoolean("chasm.writeVectors")) {
      Files.writeString(FILE, j.toString());
    }
    assertThat(Files.readString(FILE)).isEqualTo(j.toString());
  }

  static byte[] stream(String seed, int n) throws Exception {
    ByteBuffer out = ByteBuffer.allocate(n + 32);
    byte[] s = seed.getBytes(StandardCharsets.UTF_8);
    for (long c = 0; out.position() < n; c++) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(s);
      d.update(ByteBuffer.allocate(8).putLong(c).array());
      out.put(d.digest());
    }
    byte[] r = new byte[n];
    out.flip();
    out.get(r);
    return r;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void piecesAreIndependentOfHowTheTestSplitsThem() throws Exception {
    byte[] data = stream("metalink-tail", 200_001);
    List<String> pieces = new ArrayList<>();
    for (int off = 0; off < data.length; off += 65536) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(data, off, Math.min(65536, data.length - off));
      pieces.add(Hex.encode(d.digest()));
    }
    assertThat(Files.readString(FILE)).contains(String.join("\", \"", pieces));
  }
}
