package io.chasm.examples.cli;

import io.chasm.api.TransportException;
import io.chasm.api.transport.Connection;
import io.chasm.api.transport.Transports;
import io.chasm.examples.common.DaemonPublishProtocol;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code chasm publish}'s way through a running origin daemon (tck/SPEC.md §6.8): asks the
 * oracle listening on {@code STATE/publish.sock} to publish. Empty when no daemon can: none
 * listens, it signs with another key, or it went away mid-request; the caller then publishes
 * in-process, as without a daemon. A publish the daemon tried and failed is an error.
 */
final class DaemonPublishClient {
  private DaemonPublishClient() {}

  static Optional<Map<String, Object>> publish(Path stateDir, String keyId, Duration expires, String origin) throws IOException {
    Path sock = DaemonPublishProtocol.socket(stateDir.toAbsolutePath());
    if (!Files.exists(sock, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("chasm_publish", DaemonPublishProtocol.VERSION);
    request.put("key_id", keyId);
    request.put("expires_seconds", expires.toSeconds());
    if (origin != null) {
      request.put("origin", origin);
    }
    Map<String, Object> reply;
    try (Connection c = Transports.connect(URI.create("unix://" + sock))) {
      DaemonPublishProtocol.write(c.output(), request);
      reply = DaemonPublishProtocol.read(c.input());
    } catch (TransportException e) {
      return Optional.empty(); // a socket left by a daemon that is gone
    } catch (IOException e) {
      System.err.println("chasm: warning: the daemon at " + sock + " went away during the publish (" + e.getMessage()
          + "); publishing in this process");
      return Optional.empty();
    }
    if (Boolean.TRUE.equals(reply.get("ok"))) {
      reply.remove("ok");
      reply.put("announced_to", "unix://" + sock);
      return Optional.of(reply);
    }
    if ("key_mismatch".equals(reply.get("error")) || "unsupported".equals(reply.get("error"))) {
      System.err.println("chasm: note: " + reply.get("message") + "; publishing in this process");
      return Optional.empty();
    }
    throw new IOException("the daemon at " + sock + " could not publish: " + reply.get("message"));
  }
}
