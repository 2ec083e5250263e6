package io.chasm.api;

/** The kinds of content-addressed object in a CHASM repository. */
public enum ObjectKind {
  /** A content-defined byte range of a file; id = hash of its bytes. */
  CHUNK(1),
  /** A file manifest: the Merkle root over its chunk ids, plus its chunk list. */
  FILE(2),
  /** A directory: the canonical encoding of its sorted entries. */
  TREE(3),
  /** A signed snapshot envelope of a whole repository state. */
  SNAPSHOT(4);

  private final int code;

  ObjectKind(int code) {
    this.code = code;
  }

  /** The kind's one-byte code in binary encodings ({@code tck/SPEC.md}). */
  public int code() {
    return code;
  }

  /**
   * @throws CorruptObjectException if no kind has that code
   */
  public static ObjectKind fromCode(int code) throws CorruptObjectException {
    for (ObjectKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    throw new CorruptObjectException("unknown object kind code " + code);
  }
}
