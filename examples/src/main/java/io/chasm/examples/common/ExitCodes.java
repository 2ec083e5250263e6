package io.chasm.examples.common;

/**
 * The exit codes of every {@code chasm} command: 0 success; 1 the check the command performs
 * failed (e.g. a tree does not verify); 2 usage or I/O error, with a one-line message on stderr.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED_CHECK = 1;
  public static final int ERROR = 2;

  private ExitCodes() {}
}
