package io.chasm.hashtree.index;

import java.util.Arrays;

/**
 * What the hashing pool found, in columns: per job its stat after reading, file id and chunk
 * range; per chunk its id and length. A future, a result object, a stat record and two arrays per
 * hashed file (about 350 bytes) lived until the run's end and were most of a cold index's peak
 * memory; here a job costs 80 bytes and a chunk 36.
 *
 * <p>Columns are pages of fixed size, so growing never copies (a doubled column left its old copy
 * behind as promoted garbage). Jobs are numbered by {@link #newJob} from any thread; each job's
 * columns are written once by the thread that hashed it, and read after the pool has terminated
 * (which orders the writes before the reads).
 */
final class HashResults {
  private static final int SHIFT = 12;
  private static final int PAGE = 1 << SHIFT;
  private static final int MASK = PAGE - 1;
  private static final int ID = IndexTable.ID_LENGTH;
  private static final int STAT = 5;

  private int jobs;
  private long[][] stats = new long[4][];
  private byte[][] fileIds = new byte[4][];
  private int[][] chunkFirst = new int[4][];
  private int[][] chunkCount = new int[4][];

  private int chunks;
  private byte[][] chunkIds = new byte[4][];
  private int[][] chunkLengths = new int[4][];

  /** Reserves the next job number. */
  synchronized int newJob() {
    int j = jobs++;
    int p = j >>> SHIFT;
    if (p == stats.length) {
      stats = Arrays.copyOf(stats, p * 2);
      fileIds = Arrays.copyOf(fileIds, p * 2);
      chunkFirst = Arrays.copyOf(chunkFirst, p * 2);
      chunkCount = Arrays.copyOf(chunkCount, p * 2);
    }
    if (stats[p] == null) {
      stats[p] = new long[PAGE * STAT];
      fileIds[p] = new byte[PAGE * ID];
      chunkFirst[p] = new int[PAGE];
      chunkCount[p] = new int[PAGE];
    }
    return j;
  }

  synchronized int jobs() {
    return jobs;
  }

  /** Records job {@code j}'s outcome; {@code ids} holds {@code n} chunk ids of 32 bytes. */
  void put(int j, FileHasher.Stat after, byte[] fileId, byte[] ids, int[] lengths, int n) {
    int first = appendChunks(ids, lengths, n);
    long[] s;
    byte[] f;
    int[] cf;
    int[] cc;
    synchronized (this) {
      s = stats[j >>> SHIFT];
      f = fileIds[j >>> SHIFT];
      cf = chunkFirst[j >>> SHIFT];
      cc = chunkCount[j >>> SHIFT];
    }
    int o = j & MASK;
    s[o * STAT] = after.dev();
    s[o * STAT + 1] = after.ino();
    s[o * STAT + 2] = after.size();
    s[o * STAT + 3] = after.mtime();
    s[o * STAT + 4] = after.ctime();
    System.arraycopy(fileId, 0, f, o * ID, ID);
    cf[o] = first;
    cc[o] = n;
  }

  private synchronized int appendChunks(byte[] ids, int[] lengths, int n) {
    int first = chunks;
    for (int k = 0; k < n; k++) {
      int c = chunks++;
      int p = c >>> SHIFT;
      if (p == chunkIds.length) {
        chunkIds = Arrays.copyOf(chunkIds, p * 2);
        chunkLengths = Arrays.copyOf(chunkLengths, p * 2);
      }
      if (chunkIds[p] == null) {
        chunkIds[p] = new byte[PAGE * ID];
        chunkLengths[p] = new int[PAGE];
      }
      System.arraycopy(ids, k * ID, chunkIds[p], (c & MASK) * ID, ID);
      chunkLengths[p][c & MASK] = lengths[k];
    }
    return first;
  }

  long dev(int j) {
    return stat(j, 0);
  }

  long ino(int j) {
    return stat(j, 1);
  }

  long size(int j) {
    return stat(j, 2);
  }

  long mtime(int j) {
    return stat(j, 3);
  }

  long ctime(int j) {
    return stat(j, 4);
  }

  private long stat(int j, int field) {
    return stats[j >>> SHIFT][(j & MASK) * STAT + field];
  }

  /** Copies job {@code j}'s file id into entry {@code i} of {@code t}. */
  void copyFileId(int j, IndexTable t, int i) {
    t.setId(i, fileIds[j >>> SHIFT], (j & MASK) * ID);
  }

  int chunkCount(int j) {
    return chunkCount[j >>> SHIFT][j & MASK];
  }

  /** Copies job {@code j}'s chunks into {@code t}'s chunk columns from chunk index {@code at}. */
  void copyChunks(int j, IndexTable t, int at) {
    int first = chunkFirst[j >>> SHIFT][j & MASK];
    int n = chunkCount(j);
    for (int k = 0; k < n; k++) {
      int c = first + k;
      System.arraycopy(chunkIds[c >>> SHIFT], (c & MASK) * ID, t.chunkIds, (at + k) * ID, ID);
      t.chunkLength[at + k] = chunkLengths[c >>> SHIFT][c & MASK];
    }
  }
}
