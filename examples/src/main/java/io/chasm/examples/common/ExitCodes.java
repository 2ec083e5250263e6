package io.chasm.examples.common;

/**
 * The exit codes of every {@code chasm} command: 0 success; 1 the check the command performs
 * failed (e.g. a tree does not verify); 2 usage or I/O error, with a one-line message on stderr.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED_CHECK = 1;
  public static final int ERROR = 2;
  /** {@code verify-proof}: the file is not a proof of equivocation (malformed, or no conflict in it). */
  public static final int NOT_A_PROOF = 3;
  /** {@code verify-proof}: an envelope of the proof is not validly signed by the trusted keys. */
  public static final int BAD_SIGNATURE = 4;
  /** {@code sync}: the origin key signed two snapshots with one sequence; a proof was written. */
  public static final int EQUIVOCATION = 5;

  private ExitCodes() {}
}
