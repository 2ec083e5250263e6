package io.chasm.hashtree.index;

import io.chasm.api.ObjectId;
import java.time.Duration;
import java.util.List;

/**
 * What an index run found.
 *
 * @param rootTree id of the root tree
 * @param files regular files in the tree
 * @param directories directories in the tree (the root not counted)
 * @param symlinks symbolic links in the tree
 * @param bytes total size of the files
 * @param chunks total number of chunks of all files (a chunk shared by two files counts twice)
 * @param rehashedFiles files read and hashed in this run (new, changed, or not trusted by stat)
 * @param rehashedBytes bytes read and hashed in this run
 * @param elapsed wall-clock time of the run
 * @param warnings one line per thing skipped or repaired (special files, rebuilt index)
 */
public record IndexResult(
    ObjectId rootTree,
    long files,
    long directories,
    long symlinks,
    long bytes,
    long chunks,
    long rehashedFiles,
    long rehashedBytes,
    Duration elapsed,
    List<String> warnings) {
  public IndexResult {
    warnings = List.copyOf(warnings);
  }
}
