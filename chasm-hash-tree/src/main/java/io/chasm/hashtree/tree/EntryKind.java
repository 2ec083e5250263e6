package io.chasm.hashtree.tree;

/** What a tree entry names. Codes are those of tck/SPEC.md section 4. */
public enum EntryKind {
  /** A regular file; the entry carries its size, executable bit and file id. */
  FILE(1),
  /** A subdirectory; the entry carries its tree id. */
  DIRECTORY(2),
  /** A symbolic link; the entry carries its target bytes (never followed). */
  SYMLINK(3);

  private final int code;

  EntryKind(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  static EntryKind fromCode(int code) {
    for (EntryKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    return null;
  }
}
