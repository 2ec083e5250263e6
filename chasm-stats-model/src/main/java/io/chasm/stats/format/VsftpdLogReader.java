package io.chasm.stats.format;

import io.chasm.stats.LogReader;
import io.chasm.stats.LogRecord;
import io.chasm.stats.internal.Bytes;
import io.chasm.stats.internal.StampCache;

/**
 * vsftpd's own log ({@code vsftpd_log_file} with {@code xferlog_std_format=NO}): {@code Mon Nov 24
 * 00:00:00 2024 [pid 12] [ftp] OK DOWNLOAD: Client "1.2.3.4", "/pub/x.iso", 1234 bytes, 10.00Kbyte/sec}.
 * {@code OK DOWNLOAD} is a complete download, {@code FAIL DOWNLOAD} counts its bytes only, uploads
 * are not downloads; CONNECT, LOGIN and other lines are non-request lines.
 */
public final class VsftpdLogReader implements LogReader {
  private final StampCache stamps = new StampCache(24, 17, Bytes::ctime);
  private static final byte[] PID = Bytes.ascii("[pid ");
  private static final byte[] OK_DOWNLOAD = Bytes.ascii("OK DOWNLOAD: ");
  private static final byte[] FAIL_DOWNLOAD = Bytes.ascii("FAIL DOWNLOAD: ");
  private static final byte[] OK_UPLOAD = Bytes.ascii("OK UPLOAD: ");
  private static final byte[] FAIL_UPLOAD = Bytes.ascii("FAIL UPLOAD: ");
  private static final byte[] CLIENT = Bytes.ascii("Client \"");

  @Override
  public String name() {
    return "vsftpd";
  }

  @Override
  public LogReader fresh() {
    return new VsftpdLogReader();
  }

  @Override
  public LogRecord.Kind parse(byte[] b, int start, int end, LogRecord rec) {
    rec.reset(b);
    rec.protocol = LogRecord.Protocol.FTP;
    if (end - start < 30) {
      return rec.reject("line too short for vsftpd log");
    }
    long t = stamps.parse(b, start, start + 24);
    if (t == Bytes.BAD || b[start + 24] != ' ' || !Bytes.startsWith(b, start + 25, end, PID)) {
      return rec.reject("not a vsftpd log line");
    }
    rec.epochSecond = t;
    int p = Bytes.indexOf(b, start + 30, end, (byte) ']');
    if (p < 0) {
      return rec.reject("not a vsftpd log line");
    }
    p++;
    while (p < end && b[p] == ' ') {
      p++;
    }
    if (p < end && b[p] == '[') {
      int q = Bytes.indexOf(b, p, end, (byte) ']');
      if (q < 0) {
        return rec.reject("not a vsftpd log line");
      }
      p = q + 1;
      while (p < end && b[p] == ' ') {
        p++;
      }
    }
    boolean ok = Bytes.startsWith(b, p, end, OK_DOWNLOAD);
    boolean fail = !ok && Bytes.startsWith(b, p, end, FAIL_DOWNLOAD);
    boolean up = !ok && !fail
        && (Bytes.startsWith(b, p, end, OK_UPLOAD) || Bytes.startsWith(b, p, end, FAIL_UPLOAD));
    if (!ok && !fail && !up) {
      return rec.nonRequest();
    }
    p = Bytes.indexOf(b, p, end, (byte) ':') + 2;
    if (!Bytes.startsWith(b, p, end, CLIENT)) {
      return rec.reject("transfer line without client");
    }
    p += CLIENT.length;
    int q = Bytes.indexOf(b, p, end, (byte) '"');
    if (q <= p || q + 4 > end || b[q + 1] != ',' || b[q + 2] != ' ' || b[q + 3] != '"') {
      return rec.reject("bad client field");
    }
    rec.clientStart = p;
    rec.clientEnd = q;
    p = q + 4;
    // The path is quoted but not escaped: its end is the last '", ' before the size.
    int sizeEnd = Bytes.lastIndexOf(b, p, end, (byte) ',');
    int bytesWord = sizeEnd < 0 ? -1 : Bytes.lastIndexOf(b, p, sizeEnd, (byte) ' ');
    int sizeStart = bytesWord < 0 ? -1 : Bytes.lastIndexOf(b, p, bytesWord, (byte) ' ');
    if (sizeStart < p + 3 || b[sizeStart - 1] != ',' || b[sizeStart - 2] != '"') {
      return rec.reject("bad transfer fields");
    }
    long n = Bytes.parseLong(b, sizeStart + 1, bytesWord);
    if (n < 0) {
      return rec.reject("bad size");
    }
    rec.pathStart = p;
    rec.pathEnd = sizeStart - 2;
    rec.bytes = n;
    rec.status = 200;
    rec.complete = ok;
    rec.outgoing = !up;
    return rec.request();
  }
}
