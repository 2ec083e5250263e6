package io.chasm.collector;

import io.chasm.collector.server.CollectorServer;
import java.nio.file.Path;

/**
 * A collector in a process of its own for the browser and kill tests: serves DATA (or the database
 * at the JDBC URL given second) on a free loopback port, prints "listening URL", and stops when its
 * standard input closes (the test ends or dies).
 */
public final class CollectorProcessMain {
  private CollectorProcessMain() {}

  public static void main(String[] args) throws Exception {
    CollectorConfig config = CollectorConfig.defaults(Path.of(args[0])).withListen("127.0.0.1", 0);
    if (args.length > 1) {
      config = config.withJdbcUrl(args[1]);
    }
    try (CollectorServer server = CollectorServer.start(config)) {
      System.out.println("listening " + server.uri());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for end of input
      }
    }
  }
}
