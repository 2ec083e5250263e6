package io.chasm.hashtree.index;

import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.chunk.ChunkConsumer;
import io.chasm.hashtree.chunk.Chunker;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hashes the new or changed files of an index run: chunks them, stores their manifests, and
 * rehashes a file whose stat changed while it was read. A full walk calls {@link #hashHere} from
 * its own walkers; a journal walk ({@link DirtyWalk}, one thread) hands files to a pool on all
 * cores with {@link #schedule}.
 */
final class FileHasher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Indexer.class); // one logger for the whole run, as operators configure it
  private static final int HASH_ATTEMPTS = 3;
  /**
   * Files handed to the pool and not yet hashed, at most. The walk is much faster than hashing:
   * unbounded, every file's queued task (path, stat, closure: about half a kilobyte) lived long
   * enough to be promoted, and a cold index's resident memory grew with the tree.
   */
  static final int MAX_QUEUED = 512;

  /**
   * Reads a file's content into chunks, no further than {@code limit} bytes, and returns the bytes
   * read: the run's only read of file content, so a caller can put a file system of its own (or
   * one that changes files under the reader) between the indexer and the disk.
   */
  @FunctionalInterface
  interface ContentReader {
    ContentReader DISK = Chunker::chunk;

    long read(Chunker chunker, Path file, long limit, ChunkConsumer out) throws IOException;
  }

  record Stat(long dev, long ino, long size, long mtime, long ctime) {}

  private final ObjectStore sink;
  private final IndexProgress progress;
  private final ContentReader reader;
  private final ExecutorService pool;
  private final ThreadLocal<Chunker> chunkers;
  private final Semaphore queued = new Semaphore(MAX_QUEUED);
  private final HashResults results = new HashResults();
  /** The first failure of any job; later jobs are skipped and the run fails with it. */
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  FileHasher(ChunkingParams params, ObjectStore sink, IndexProgress progress, int threads, ContentReader reader) {
    this.sink = sink;
    this.progress = progress;
    this.reader = reader;
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread th = new Thread(task, "chasm-index-hash");
              th.setDaemon(true);
              return th;
            });
    this.chunkers = ThreadLocal.withInitial(() -> new Chunker(params));
  }

  /**
   * Queues {@code p} for hashing and returns its job number in {@link #finish()}'s results; blocks
   * while {@link #MAX_QUEUED} files wait. The stat after hashing (what the bytes correspond to) is
   * written to {@code statOut[statAt, statAt + 5)}, read only after {@link #finish()}.
   */
  int schedule(Path p, byte[] rel, Stat before, long[] statOut, int statAt) {
    progress.filesToHash.incrementAndGet();
    progress.bytesToHash.addAndGet(before.size());
    int job = results.newJob();
    queued.acquireUninterruptibly();
    pool.execute(() -> {
      try {
        if (failure.get() == null) {
          hash(job, p, rel, before, statOut, statAt);
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      } finally {
        queued.release();
      }
    });
    return job;
  }

  /**
   * Hashes {@code p} on the calling thread (a walker) and returns its job number, as {@link
   * #schedule} would. A full walk hashes where it stats: the per-file hand-off to a pool (a queued
   * closure, a semaphore and a futex wake per file, and two threads per core taking turns) cost
   * more than the walk itself (issue 17 profile: 57k futex calls and a context switch per file).
   *
   * @throws IOException as {@link #finish()} would have, naming the path
   */
  int hashHere(Path p, byte[] rel, Stat before, long[] statOut, int statAt) throws IOException {
    progress.filesToHash.incrementAndGet();
    progress.bytesToHash.addAndGet(before.size());
    int job = results.newJob();
    hash(job, p, rel, before, statOut, statAt);
    return job;
  }

  /**
   * Waits for every scheduled file and returns what was found.
   *
   * @throws IOException the first job's failure, naming its path
   */
  HashResults finish() throws IOException {
    pool.shutdown();
    try {
      while (!pool.awaitTermination(1, TimeUnit.HOURS)) {
        LOG.debug("still hashing");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while indexing", e);
    }
    Throwable c = failure.get();
    if (c == null) {
      return results;
    }
    if (c instanceof IOException io) {
      throw io;
    }
    if (c instanceof UncheckedIOException u) {
      throw u.getCause();
    }
    throw new IOException("hashing failed: " + c, c);
  }

  private void hash(int job, Path p, byte[] rel, Stat before, long[] statOut, int statAt) throws IOException {
    Chunker chunker = chunkers.get();
    Stat expected = before;
    for (int attempt = 1; attempt <= HASH_ATTEMPTS; attempt++) {
      List<Chunk> chunks = new ArrayList<>();
      long n;
      try {
        // Reading no further than the size seen saves a read(2) per file at end of file; a file
        // that grew meanwhile has a new stat, so the check below still catches it.
        n = reader.read(chunker, p, expected.size(), (c, b, o) -> chunks.add(c));
      } catch (AccessDeniedException e) {
        throw new IOException(Indexer.display(rel) + ": permission denied reading file", e);
      } catch (NoSuchFileException e) {
        throw new IOException(Indexer.display(rel) + ": vanished while being indexed; run again", e);
      }
      Stat after = stat(p, rel);
      if (after.equals(expected) && n == after.size()) {
        byte[] ids = new byte[chunks.size() * IndexTable.ID_LENGTH];
        int[] lengths = new int[chunks.size()];
        for (int k = 0; k < chunks.size(); k++) {
          chunks.get(k).id().copyTo(ids, k * IndexTable.ID_LENGTH);
          lengths[k] = chunks.get(k).length();
        }
        FileManifest m = chunks.isEmpty() ? FileManifest.empty() : FileManifest.of(chunks);
        sink.put(m);
        results.put(job, after, statOut, statAt, m.id().hash().bytes(), ids, lengths, chunks.size());
        progress.filesHashed.incrementAndGet();
        progress.bytesHashed.addAndGet(n);
        return;
      }
      LOG.debug("{} changed while being hashed (attempt {})", Indexer.display(rel), attempt);
      expected = after;
    }
    throw new IOException(Indexer.display(rel) + ": kept changing while being hashed (" + HASH_ATTEMPTS + " attempts); run again when it is quiet");
  }

  private static Stat stat(Path p, byte[] rel) throws IOException {
    try {
      Lstat a = Lstat.of(p);
      if (a.type() != Lstat.S_IFREG) {
        throw new IOException(Indexer.display(rel) + ": replaced by a non-file while being indexed; run again");
      }
      return new Stat(a.dev(), a.ino(), a.size(), a.mtime(), a.ctime());
    } catch (NoSuchFileException e) {
      throw new IOException(Indexer.display(rel) + ": vanished while being indexed; run again", e);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
