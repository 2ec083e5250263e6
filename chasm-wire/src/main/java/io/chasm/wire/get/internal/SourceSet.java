package io.chasm.wire.get.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ProtocolException;
import io.chasm.api.TransportException;
import io.chasm.api.VerificationException;
import io.chasm.wire.MirrorSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The sources of one download and the ones it stopped using, each with its reason: a source that
 * sent one byte that did not verify is not asked again (SPEC 10.5), nor is one that failed.
 */
public final class SourceSet {
  private final List<MirrorSource> all;
  private final Map<String, String> dropped = new LinkedHashMap<>();
  private final List<MirrorSource> banned = new ArrayList<>();
  private ChasmException firstBadData;

  /** @param unreachable sources that could not even be opened, by name, with the reason */
  public SourceSet(List<MirrorSource> sources, Map<String, String> unreachable) {
    this.all = List.copyOf(sources);
    dropped.putAll(unreachable);
  }

  /** The sources still in use, in the order given. */
  public synchronized List<MirrorSource> live() {
    List<MirrorSource> out = new ArrayList<>(all);
    out.removeAll(banned);
    return out;
  }

  public synchronized boolean isLive(MirrorSource s) {
    return !banned.contains(s);
  }

  /** Stops using {@code s} for this download because of {@code why}. */
  public synchronized void ban(MirrorSource s, Throwable why) {
    Throwable c = unwrap(why);
    if (banned.contains(s)) {
      return;
    }
    banned.add(s);
    boolean badData = isBadData(c);
    if (badData && firstBadData == null) {
      firstBadData = (ChasmException) c;
    }
    dropped.put(s.name(), (badData ? "refused: " : "dropped: ") + c.getClass().getSimpleName() + ": " + message(c));
  }

  /** Every source not used to the end, as {@code "name: reason"}. */
  public synchronized List<String> dropped() {
    List<String> out = new ArrayList<>();
    dropped.forEach((n, r) -> out.add(n + ": " + r));
    return out;
  }

  /** The first failure that was a source's bad data (not a lost connection), or null. */
  public synchronized ChasmException firstBadData() {
    return firstBadData;
  }

  /** The dropped sources on one line, for error messages. */
  public String summary() {
    List<String> d = dropped();
    return d.isEmpty() ? "" : " (" + String.join("; ", d) + ")";
  }

  /** Closes every source. */
  public void closeAll() {
    for (MirrorSource s : all) {
      s.close();
    }
  }

  /** Waits for a source's future and unwraps its failure. */
  public static <T> T await(CompletableFuture<T> f) throws ChasmException, IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while waiting for a source");
    } catch (ExecutionException e) {
      Throwable c = unwrap(e);
      if (c instanceof ChasmException ce) {
        throw ce;
      }
      if (c instanceof IOException io) {
        throw io;
      }
      throw new TransportException("source failed: " + c, c);
    }
  }

  /** Whether a failure means the source sent data that failed a check (as opposed to failing to send). */
  static boolean isBadData(Throwable t) {
    return t instanceof VerificationException || t instanceof ProtocolException || t instanceof LimitExceededException;
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null ? "" : m.replace('\n', ' ');
  }
}
