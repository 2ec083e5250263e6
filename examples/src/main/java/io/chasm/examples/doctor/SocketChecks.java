package io.chasm.examples.doctor;

import io.chasm.examples.config.Settings;
import io.chasm.examples.config.ValueChecks;
import io.chasm.hashtree.index.StateLocation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The node's sockets: the oracle's Unix socket exists and accepts (a file that refuses is a stale
 * socket of a dead daemon) and only its owner and group may write it, and each configured TCP
 * listener answers.
 */
final class SocketChecks {
  private static final int TIMEOUT_MS = 2000;

  private SocketChecks() {}

  static List<Finding> run(Settings s) {
    List<Finding> out = new ArrayList<>();
    Path socket = oracleSocket(s);
    if (socket != null) {
      out.add(unix("socket oracle.socket", socket));
      if (Files.exists(socket)) {
        out.add(oracleSocketMode(socket));
      }
    }
    List<String> tcpKeys = new ArrayList<>();
    if (s.isSet("tree")) {
      tcpKeys.add("peer.listen");
    }
    tcpKeys.add("serve.listen");
    for (String key : tcpKeys) {
      for (URI u : ValueChecks.uris(key, s.get(key))) {
        if ("tcp".equals(u.getScheme())) {
          out.add(tcp("socket " + key, u.getHost(), u.getPort()));
        } else if ("unix".equals(u.getScheme())) {
          out.add(unix("socket " + key, Path.of(u.getPath())));
        }
      }
    }
    for (String key : List.of("metrics.listen", "collector.listen")) {
      if (s.isSet(key) && !s.source(key).equals("default")) {
        InetSocketAddress a = ValueChecks.hostPort(key, s.get(key));
        if (a.getPort() != 0) {
          out.add(tcp("socket " + key, a.getHostString(), a.getPort()));
        }
      }
    }
    return out;
  }

  /** The oracle's socket as chasmd computes it, or null when the file names no tree (not a chasmd node). */
  static Path oracleSocket(Settings s) {
    if (s.isSet("oracle.socket")) {
      return Path.of(s.get("oracle.socket"));
    }
    if (!s.isSet("tree")) {
      return null;
    }
    Path tree = Path.of(s.get("tree")).toAbsolutePath().normalize();
    return StateLocation.resolve(tree, s.isSet("state") ? Path.of(s.get("state")) : null).resolve("oracle.sock");
  }

  static Finding unix(String check, Path path) {
    if (!Files.exists(path)) {
      return Finding.warn(check, path + " does not exist (chasmd's oracle is not running)",
          "start it: systemctl start chasmd (or chasmd --all --config FILE)");
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(path));
      return Finding.ok(check, path + " accepts connections");
    } catch (IOException e) {
      return Finding.fail(check, path + " exists but refuses connections: " + e.getMessage(),
          "a stale socket of a stopped daemon or wrong permissions: restart chasmd, or run doctor as a member of the socket's group");
    }
  }

  /**
   * The oracle answers publish and relay requests from the peer and fetcher roles: a socket others
   * may write lets any local user talk to it, which the units' separate users are there to prevent.
   */
  static Finding oracleSocketMode(Path path) {
    String check = "socket oracle.socket-mode";
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
      String mode = PosixFilePermissions.toString(perms);
      if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
        return Finding.fail(check, path + " can be written by any local user (" + mode + ")",
            "set oracle.socket-mode = 660 (the default) and restart chasmd; add the daemons' users to the socket's group instead");
      }
      return Finding.ok(check, path + " is " + mode);
    } catch (IOException | UnsupportedOperationException e) {
      return Finding.warn(check, "cannot read the mode of " + path + ": " + e.getMessage(), "run doctor as the daemon's user or root");
    }
  }

  static Finding tcp(String check, String host, int port) {
    String h = host == null || host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::") ? "127.0.0.1" : host;
    try (Socket so = new Socket()) {
      so.connect(new InetSocketAddress(h, port), TIMEOUT_MS);
      return Finding.ok(check, h + ":" + port + " answers");
    } catch (IOException e) {
      return Finding.warn(check, "nothing answers at " + h + ":" + port + " (" + e.getMessage() + ")",
          "start the daemon that listens there, or fix the key if the address is wrong");
    }
  }
}
