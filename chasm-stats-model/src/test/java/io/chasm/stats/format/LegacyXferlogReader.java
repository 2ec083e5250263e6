package io.chasm.stats.format;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.internal.Bytes;

/**
 * The reader before its timestamp cache (w5-R), kept as the oracle of {@code ReaderCacheProperties}.
 *
 * <p>Its original comment:
 * wu-ftpd / ProFTPD / vsftpd {@code xferlog}: {@code DDD MMM dd hh:mm:ss YYYY transfer-time
 * remote-host file-size filename transfer-type special-action direction access-mode username
 * service-name authentication-method authenticated-user-id completion-status}. The nine fields
 * after the file name are taken from the right, so names with spaces survive. Times are read as
 * UTC. Direction {@code o} is a download; completion {@code c} complete, {@code i} incomplete.
 */
final class LegacyXferlogReader implements LogReader {
  private final int[] tokS = new int[9];
  private final int[] tokE = new int[9];

  @Override
  public String name() {
    return "xferlog";
  }

  @Override
  public LogReader fresh() {
    return new LegacyXferlogReader();
  }

  @Override
  public LogRecord.Kind parse(byte[] b, int start, int end, LogRecord rec) {
    rec.reset(b);
    rec.protocol = LogRecord.Protocol.FTP;
    if (end - start < 40) {
      return rec.reject("line too short for xferlog");
    }
    long t = Bytes.ctime(b, start, start + 24);
    if (t == Bytes.BAD || b[start + 24] != ' ') {
      return rec.reject("bad timestamp");
    }
    rec.epochSecond = t;
    int p = start + 25;
    int sp = Bytes.indexOf(b, p, end, (byte) ' ');
    if (sp < 0 || Bytes.parseLong(b, p, sp) < 0) {
      return rec.reject("bad transfer time");
    }
    p = sp + 1;
    sp = Bytes.indexOf(b, p, end, (byte) ' ');
    if (sp <= p) {
      return rec.reject("bad remote host");
    }
    rec.clientStart = p;
    rec.clientEnd = sp;
    p = sp + 1;
    sp = Bytes.indexOf(b, p, end, (byte) ' ');
    long size = sp < 0 ? -1 : Bytes.parseLong(b, p, sp);
    if (size < 0) {
      return rec.reject("bad file size");
    }
    rec.bytes = size;
    p = sp + 1;
    int e = end;
    for (int k = 8; k >= 0; k--) {
      int s = Bytes.lastIndexOf(b, p, e, (byte) ' ');
      if (s < p) {
        return rec.reject("too few xferlog fields");
      }
      tokS[k] = s + 1;
      tokE[k] = e;
      e = s;
    }
    if (e <= p) {
      return rec.reject("empty file name");
    }
    rec.pathStart = p;
    rec.pathEnd = e;
    // tokens: 0 type, 1 action, 2 direction, 3 access, 4 user, 5 service, 6 auth, 7 uid, 8 status
    byte dir = one(b, 2);
    byte status = one(b, 8);
    if ((dir != 'o' && dir != 'i' && dir != 'd') || (status != 'c' && status != 'i')) {
      return rec.reject("bad direction or completion status");
    }
    rec.outgoing = dir == 'o';
    rec.complete = status == 'c';
    rec.status = 200;
    return rec.request();
  }

  private byte one(byte[] b, int k) {
    return tokE[k] - tokS[k] == 1 ? b[tokS[k]] : 0;
  }
}
