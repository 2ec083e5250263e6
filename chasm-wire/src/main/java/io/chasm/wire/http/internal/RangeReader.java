package io.chasm.wire.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads the answer to one range request into its chunks. A server that ignores {@code Range}
 * (200, the whole file) is read up to the range; a file of another size than the snapshot's
 * (changed, or half-copied by an rsync) or a body that ends early makes its chunks "not held",
 * never a failure: only the chunk bytes themselves, checked by the caller, can condemn a mirror.
 */
public final class RangeReader {
  /** Where each chunk's answer goes, in the request's order. */
  public interface Answers {
    void chunk(RangePlan.Part part, byte[] data) throws IOException;

    void notHeld(RangePlan.Part part);
  }

  /** The status is neither an answer with bytes nor a "not here" one: the mirror failed. */
  public static final class BadStatusException extends IOException {
    public BadStatusException(String message) {
      super(message);
    }
  }

  /** Bytes read past a range's end to reach the body's end, so the connection can be reused. */
  private static final int MAX_DRAIN = 64 << 10;

  private RangeReader() {}

  /**
   * @param contentRange the {@code Content-Range} header, or null
   * @param contentLength the {@code Content-Length} header, if any
   * @throws BadStatusException for a status that says the mirror failed (5xx, 401, an unexpected code)
   * @throws IOException reading the body failed, or {@code answers} failed
   */
  public static void read(RangePlan.Request r, int status, String contentRange, OptionalLong contentLength, InputStream body,
      Answers answers) throws IOException {
    long at;
    switch (status) {
      case 206 -> {
        long[] cr = parseContentRange(contentRange);
        if (cr == null || cr[0] > r.start() || (cr[2] >= 0 && cr[2] != r.fileSize())) {
          notHeld(r.parts(), 0, answers);
          return;
        }
        at = cr[0];
      }
      case 200 -> {
        if (contentLength.isPresent() && contentLength.getAsLong() != r.fileSize()) {
          notHeld(r.parts(), 0, answers);
          return;
        }
        at = 0;
      }
      case 403, 404, 410, 416 -> {
        notHeld(r.parts(), 0, answers);
        return;
      }
      default -> throw new BadStatusException("HTTP " + status + " for " + r.path());
    }
    if (!skip(body, r.start() - at)) {
      notHeld(r.parts(), 0, answers);
      return;
    }
    List<RangePlan.Part> parts = r.parts();
    for (int i = 0; i < parts.size(); i++) {
      RangePlan.Part p = parts.get(i);
      byte[] data = body.readNBytes(p.length());
      if (data.length < p.length()) {
        notHeld(parts, i, answers);
        return;
      }
      answers.chunk(p, data);
    }
    if (status == 206) {
      int drained = 0;
      while (drained < MAX_DRAIN && body.read() >= 0) {
        drained++;
      }
    }
  }

  /** Skips {@code n} bytes; false if the body ends first. */
  private static boolean skip(InputStream in, long n) throws IOException {
    while (n > 0) {
      long k = in.skip(n);
      if (k > 0) {
        n -= k;
      } else if (in.read() < 0) {
        return false;
      } else {
        n--;
      }
    }
    return true;
  }

  private static void notHeld(List<RangePlan.Part> parts, int from, Answers answers) {
    for (int i = from; i < parts.size(); i++) {
      answers.notHeld(parts.get(i));
    }
  }

  /**
   * {@code bytes FIRST-LAST/TOTAL} as {first, last, total}, total -1 for {@code *}; null if
   * malformed or if it is not a byte range.
   */
  public static long[] parseContentRange(String v) {
    if (v == null) {
      return null;
    }
    String s = v.trim();
    if (!s.regionMatches(true, 0, "bytes ", 0, 6)) {
      return null;
    }
    s = s.substring(6).trim();
    int dash = s.indexOf('-');
    int slash = s.indexOf('/');
    if (dash <= 0 || slash < dash) {
      return null;
    }
    try {
      long first = Long.parseLong(s.substring(0, dash));
      long last = Long.parseLong(s.substring(dash + 1, slash));
      String t = s.substring(slash + 1);
      long total = t.equals("*") ? -1 : Long.parseLong(t);
      if (first < 0 || last < first || (total >= 0 && last >= total)) {
        return null;
      }
      return new long[] {first, last, total};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
