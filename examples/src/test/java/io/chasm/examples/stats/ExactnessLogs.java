package io.chasm.examples.stats;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Logs for the exactness kill test, one per format, over four days (so days close during a run):
 * HTTP with 206 ranges of one client spread over an hour (they add up to downloads only across
 * steps), rsync and git daemon sessions whose lines lie far apart (they span steps).
 */
final class ExactnessLogs {
  static final long T0 = 1_732_406_400L; // 2024-11-24T00:00Z
  static final long SPAN = 4 * 86_400L;

  private record Line(long t, int seq, String text) {}

  private final Random rnd;
  private final List<String> clients = new ArrayList<>();
  private final List<Line> lines = new ArrayList<>();

  ExactnessLogs(long seed) {
    rnd = new Random(seed);
    for (int i = 0; i < 400; i++) {
      clients.add("198.51." + (100 + rnd.nextInt(50)) + "." + (10 + rnd.nextInt(240)));
    }
  }

  private String client() {
    return clients.get(rnd.nextInt(clients.size()));
  }

  private void add(long t, String text) {
    lines.add(new Line(t, lines.size(), text));
  }

  private static ZonedDateTime z(long t) {
    return Instant.ofEpochSecond(t).atZone(ZoneOffset.UTC);
  }

  private static String dow(ZonedDateTime z) {
    return z.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT);
  }

  private static String clf(long t) {
    ZonedDateTime z = z(t);
    return String.format("%02d/Nov/%d:%02d:%02d:%02d +0000", z.getDayOfMonth(), z.getYear(), z.getHour(), z.getMinute(), z.getSecond());
  }

  // "Sun Nov 24 10:00:00 2024"
  private static String ctime(long t) {
    ZonedDateTime z = z(t);
    return String.format("%s Nov %2d %02d:%02d:%02d %d", dow(z), z.getDayOfMonth(), z.getHour(), z.getMinute(), z.getSecond(), z.getYear());
  }

  // "Nov 24 10:00:00"
  private static String syslog(long t) {
    ZonedDateTime z = z(t);
    return String.format("Nov %2d %02d:%02d:%02d", z.getDayOfMonth(), z.getHour(), z.getMinute(), z.getSecond());
  }

  private static String slash(long t) {
    ZonedDateTime z = z(t);
    return String.format("%d/%02d/%02d %02d:%02d:%02d", z.getYear(), z.getMonthValue(), z.getDayOfMonth(), z.getHour(), z.getMinute(), z.getSecond());
  }

  private long time() {
    return T0 + (long) (rnd.nextDouble() * SPAN);
  }

  /** Writes about {@code bytes} of log in the format and returns the file. */
  Path write(String format, Path dir, long bytes) throws IOException {
    lines.clear();
    long size = 0;
    int pid = 1000;
    while (size < bytes) {
      long t = time();
      String c = client();
      int before = lines.size();
      switch (format) {
        case "combined" -> {
          String agent = rnd.nextInt(15) == 0 ? "Googlebot/2.1" : "Wget/1.21";
          if (rnd.nextInt(4) == 0) {
            // A ranged download: four quarters of the ISO over up to an hour (sometimes only three).
            int parts = rnd.nextInt(5) == 0 ? 3 : 4;
            for (int k = 0; k < parts; k++) {
              long tk = t + k * 900L;
              add(tk, String.format("%s - - [%s] \"GET /fedora/linux/41/x.iso HTTP/1.1\" 206 250000 \"-\" \"%s\"",
                  c, clf(tk), agent));
            }
          } else {
            String[] paths = {"/fedora/linux/41/x.iso", "/debian/pool/main/a/a_1.deb", "/apache/x-1.0.tar.gz", "/ubuntu/dists/noble/InRelease"};
            int p = rnd.nextInt(paths.length);
            int status = new int[] {200, 200, 200, 304, 404}[rnd.nextInt(5)];
            long n = p == 0 ? 1_000_000 : 1000 + p * 7;
            add(t, String.format("%s - - [%s] \"GET %s HTTP/1.1\" %d %d \"-\" \"%s\"", c, clf(t), paths[p], status, n, agent));
          }
        }
        case "xferlog" -> add(t, String.format("%s 1 %s %d /pub/f%d.iso b _ o a anonymous@ ftp 0 * %s",
            ctime(t), c, 500 + rnd.nextInt(5000), rnd.nextInt(7), rnd.nextInt(10) == 0 ? "i" : "c"));
        case "vsftpd" -> {
          add(t, String.format("%s [pid %d] CONNECT: Client \"%s\"", ctime(t), pid, c));
          add(t + 1, String.format("%s [pid %d] [ftp] OK DOWNLOAD: Client \"%s\", \"/pub/v%d.iso\", %d bytes, 1.00Kbyte/sec",
              ctime(t + 1), pid, c, rnd.nextInt(5), 900 + rnd.nextInt(9000)));
        }
        case "rsyncd" -> {
          // A session without per-file logging: counted from its totals line, hours later.
          long end = t + rnd.nextInt(4 * 3600);
          add(t, String.format("%s [%d] connect from h (%s)", slash(t), pid, c));
          add(t + 1, String.format("%s [%d] rsync on %s/ from h (%s)", slash(t + 1), pid,
              rnd.nextBoolean() ? "debian" : "fedora", c));
          if (rnd.nextInt(6) == 0) {
            add(t + 2, String.format("%s [%d] send h [%s] debian () pool/x%d.deb %d", slash(t + 2), pid, c, rnd.nextInt(9), 700 + rnd.nextInt(900)));
          }
          add(end, String.format("%s [%d] sent %d bytes  received 10 bytes  total size 99", slash(end), pid, 300 + rnd.nextInt(100_000)));
        }
        case "git-daemon" -> {
          long req = t + rnd.nextInt(1800);
          add(t, String.format("%s host git-daemon[%d]: Connection from %s:4%03d", syslog(t), pid, c, rnd.nextInt(1000)));
          add(req, String.format("%s host git-daemon[%d]: Request upload-pack for '/pub/r%d.git'", syslog(req), pid, rnd.nextInt(4)));
        }
        default -> throw new IllegalArgumentException(format);
      }
      pid = pid >= 4_000_000 ? 1000 : pid + 1 + rnd.nextInt(3);
      for (int i = before; i < lines.size(); i++) {
        size += lines.get(i).text.length() + 1;
      }
    }
    lines.sort(Comparator.comparingLong(Line::t).thenComparingInt(Line::seq));
    Path f = dir.resolve(format + ".log");
    try (Writer w = Files.newBufferedWriter(f, StandardCharsets.US_ASCII)) {
      for (Line l : lines) {
        w.write(l.text);
        w.write('\n');
      }
    }
    return f;
  }
}
