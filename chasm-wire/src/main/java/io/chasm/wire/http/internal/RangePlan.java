package io.chasm.wire.http.internal;

import io.chasm.api.Hash;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the chunks of a batch into HTTP range requests: chunks that lie end to end in one file
 * become one request, up to {@code maxSpan} bytes each (longer runs are split into several
 * requests rather than sent as one multi-range request, which many servers and caches answer
 * badly). A chunk is never split; one longer than {@code maxSpan} is a request of its own.
 */
public final class RangePlan {
  /** One chunk to read: {@code length} bytes at {@code offset} of the file at {@code path}, {@code fileSize} bytes long. */
  public record Part(Hash id, String path, long offset, int length, long fileSize) {
    public long end() {
      return offset + length;
    }
  }

  /** One request: bytes [{@code start}, {@code end}) of {@code path}, holding {@code parts} end to end, in order. */
  public record Request(String path, long fileSize, long start, long end, List<Part> parts) {
    public long span() {
      return end - start;
    }
  }

  private RangePlan() {}

  /** The requests for {@code parts} (ids distinct), ordered by path and offset. */
  public static List<Request> plan(List<Part> parts, long maxSpan) {
    if (maxSpan <= 0) {
      throw new IllegalArgumentException("maxSpan must be positive: " + maxSpan);
    }
    List<Part> sorted = new ArrayList<>(parts);
    sorted.sort(Comparator.comparing(Part::path).thenComparingLong(Part::offset).thenComparingLong(Part::end));
    List<Request> out = new ArrayList<>();
    List<Part> run = new ArrayList<>();
    for (Part p : sorted) {
      if (!run.isEmpty()) {
        Part first = run.get(0);
        Part last = run.get(run.size() - 1);
        boolean joins = last.path().equals(p.path()) && last.end() == p.offset() && p.end() - first.offset() <= maxSpan;
        if (!joins) {
          out.add(request(run));
          run = new ArrayList<>();
        }
      }
      run.add(p);
    }
    if (!run.isEmpty()) {
      out.add(request(run));
    }
    return out;
  }

  private static Request request(List<Part> run) {
    Part first = run.get(0);
    return new Request(first.path(), first.fileSize(), first.offset(), run.get(run.size() - 1).end(), List.copyOf(run));
  }
}
