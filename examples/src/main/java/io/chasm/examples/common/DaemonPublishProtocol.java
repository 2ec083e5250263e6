package io.chasm.examples.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The publish request an origin's {@code chasmd} answers on {@code STATE/publish.sock}
 * (tck/SPEC.md §6.8): one JSON object on one line each way, then the daemon closes. Local only
 * (a Unix socket in the state directory), so it is not part of the peer protocol of §7–§9.
 */
public final class DaemonPublishProtocol {
  /** The socket's file name in the tree's state directory. */
  public static final String SOCKET = "publish.sock";
  /** The request's {@code chasm_publish} member: the version of this exchange. */
  public static final int VERSION = 1;
  /** A line longer than this is refused: a reply holds a few hundred bytes of figures and warnings. */
  static final int MAX_LINE = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private DaemonPublishProtocol() {}

  /** The socket of the tree whose state directory is {@code state}. */
  public static Path socket(Path state) {
    return state.resolve(SOCKET);
  }

  /**
   * Reads one line holding one JSON object.
   *
   * @throws IOException if the stream ends first, the line is too long or not a JSON object
   */
  public static Map<String, Object> read(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new EOFException("the connection ended before a whole line");
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("line longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
    try {
      return JSON.readValue(line.toString(StandardCharsets.UTF_8), new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IOException("not a JSON object: " + e.getOriginalMessage());
    }
  }

  /** Writes {@code message} as one JSON line and flushes. */
  public static void write(OutputStream out, Map<String, ?> message) throws IOException {
    out.write(JSON.writeValueAsBytes(message));
    out.write('\n');
    out.flush();
  }
}
