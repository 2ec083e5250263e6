package io.chasm.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian's {@code nginx-light}) serving directories as plain web mirrors: one
 * {@code server} on a free loopback port per directory, each tree at {@code /mirror/} with Range
 * support as nginx has it by default, one process ({@code master_process off}, {@code daemon off})
 * whose config, pid, logs and temp files all live in a work directory. Each server writes its own
 * access log: {@code STATUS METHOD URI RANGE BYTES} per line.
 */
public final class Nginx implements AutoCloseable {
  private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx"));
  private final Process process;
  private final Path work;
  private final List<URI> uris;

  private Nginx(Process process, Path work, List<URI> uris) {
    this.process = process;
    this.work = work;
    this.uris = uris;
  }

  /** The nginx binary, or null if none is installed. */
  public static Path binary() {
    for (Path p : CANDIDATES) {
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Starts nginx serving each of {@code roots} (in that order) on its own port; waits until every port answers. */
  public static Nginx start(Path work, List<Path> roots) throws IOException, InterruptedException {
    return start(work, roots, null);
  }

  /**
   * {@link #start(Path, List)} over HTTPS with {@code tls}'s certificate: the roots' URLs are
   * {@code https://127.0.0.1:PORT/mirror/}.
   */
  public static Nginx startTls(Path work, List<Path> roots, TlsFiles tls) throws IOException, InterruptedException {
    return start(work, roots, java.util.Objects.requireNonNull(tls, "tls"));
  }

  private static Nginx start(Path work, List<Path> roots, TlsFiles tls) throws IOException, InterruptedException {
    Path bin = binary();
    if (bin == null) {
      throw new IOException("nginx is not installed (apt-get install nginx-light)");
    }
    Files.createDirectories(work.resolve("temp"));
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < roots.size(); i++) {
      ports.add(freePort());
    }
    StringBuilder c = new StringBuilder();
    Path w = work.toAbsolutePath();
    c.append("daemon off;\nmaster_process off;\n");
    c.append("pid ").append(w.resolve("nginx.pid")).append(";\n");
    c.append("error_log ").append(w.resolve("error.log")).append(" info;\n");
    c.append("events { worker_connections 512; }\n");
    c.append("http {\n  default_type application/octet-stream;\n  sendfile on;\n  keepalive_timeout 60s;\n");
    c.append("  keepalive_requests 100000;\n");
    for (String t : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      c.append("  ").append(t).append("_temp_path ").append(w.resolve("temp").resolve(t)).append(";\n");
    }
    c.append("  log_format chasm '$status $request_method $uri \"$http_range\" $body_bytes_sent';\n");
    for (int i = 0; i < roots.size(); i++) {
      c.append("  server {\n    listen 127.0.0.1:").append(ports.get(i)).append(tls == null ? ";\n" : " ssl;\n");
      if (tls != null) {
        c.append("    ssl_certificate ").append(tls.certificatePem().toAbsolutePath()).append(";\n");
        c.append("    ssl_certificate_key ").append(tls.privateKeyPem().toAbsolutePath()).append(";\n");
      }
      c.append("    access_log ").append(w.resolve("access-" + i + ".log")).append(" chasm;\n");
      c.append("    location /mirror/ { alias ").append(roots.get(i).toAbsolutePath().normalize()).append("/; }\n  }\n");
    }
    c.append("}\n");
    Path conf = w.resolve("nginx.conf");
    Files.writeString(conf, c.toString(), StandardCharsets.UTF_8);
    Process p = new ProcessBuilder(bin.toString(), "-p", w.toString(), "-e", w.resolve("error.log").toString(), "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(w.resolve("stdout.log").toFile()).start();
    List<URI> uris = new ArrayList<>();
    for (int port : ports) {
      uris.add(URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port + "/mirror/"));
    }
    Nginx n = new Nginx(p, w, uris);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int port : ports) {
      while (!answers(port)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          n.close();
          throw new IOException("nginx did not start: " + n.log("error.log") + n.log("stdout.log"));
        }
        Thread.sleep(20);
      }
    }
    return n;
  }

  /** The root URL of the {@code i}-th directory's mirror ({@code http://127.0.0.1:PORT/mirror/}, or https). */
  public URI uri(int i) {
    return uris.get(i);
  }

  /** The access log lines of the {@code i}-th mirror so far. */
  public List<String> accessLog(int i) throws IOException {
    Path p = work.resolve("access-" + i + ".log");
    return Files.exists(p) ? Files.readAllLines(p) : List.of();
  }

  private String log(String name) {
    try {
      return Files.readString(work.resolve(name));
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops nginx and waits for it to exit. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
