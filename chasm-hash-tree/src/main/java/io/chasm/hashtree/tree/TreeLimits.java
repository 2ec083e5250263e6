package io.chasm.hashtree.tree;

/**
 * Bounds on what a tree may hold, checked when building and decoding so a peer cannot make us
 * allocate without limit.
 *
 * @param maxEntries most entries in one tree
 * @param maxNameLength longest entry name in bytes
 * @param maxLinkTarget longest symlink target in bytes
 */
public record TreeLimits(int maxEntries, int maxNameLength, int maxLinkTarget) {
  /** 1,000,000 entries, 255-byte names (NAME_MAX), 4095-byte link targets (PATH_MAX - 1). */
  public static final TreeLimits DEFAULT = new TreeLimits(1_000_000, 255, 4095);

  public TreeLimits {
    if (maxEntries < 0 || maxNameLength < 1 || maxNameLength > 65535 || maxLinkTarget < 1 || maxLinkTarget > 65535) {
      throw new IllegalArgumentException("tree limits out of range");
    }
  }
}
