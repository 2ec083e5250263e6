package io.chasm.hashtree.index;

import java.util.Arrays;

/**
 * What the hashing pool found, in columns: per job its file id and chunk range; per chunk its id
 * and length (the stat after reading goes where the caller asked, the walk's own column). A
 * future, a result object, a stat record and two arrays per hashed file (about 350 bytes) lived
 * until the run's end and were most of a cold index's peak memory; here a job costs 40 bytes and
 * a chunk 36.
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

  private int jobs;
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
    if (p == fileIds.length) {
      fileIds = Arrays.copyOf(fileIds, p * 2);
      chunkFirst = Arrays.copyOf(chunkFirst, p * 2);
      chunkCount = Arrays.copyOf(chunkCount, p * 2);
    }
    if (fileIds[p] == null) {
      fileIds[p] = new byte[PAGE * ID];
      chunkFirst[p] = new int[PAGE];
      chunkCount[p] = new int[PAGE];
    }
    return j;
  }

  synchronized int jobs() {
    return jobs;
  }

  /**
   * Records job {@code j}'s outcome; {@code ids} holds {@code n} chunk ids of 32 bytes. The stat
   * after reading goes to {@code statOut[statAt, statAt + 5)}: dev, ino, size, mtime, ctime.
   */
  void put(int j, FileHasher.Stat after, long[] statOut, int statAt, byte[] fileId, byte[] ids, int[] lengths, int n) {
    int first = appendChunks(ids, lengths, n);
    byte[] f;
    int[] cf;
    int[] cc;
    synchronized (this) {
      f = fileIds[j >>> SHIFT];
      cf = chunkFirst[j >>> SHIFT];
      cc = chunkCount[j >>> SHIFT];
    }
    int o = j & MASK;
    statOut[statAt] = after.dev();
    statOut[statAt + 1] = after.ino();
    statOut[statAt + 2] = after.size();
    statOut[statAt + 3] = after.mtime();
    statOut[statAt + 4] = after.ctime();
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
