package io.chasm.examples.common;

import io.chasm.api.SignatureException;
import io.chasm.api.UnsafePathException;
import java.nio.file.NoSuchFileException;

/**
 * What an operator can do about a typed error, in the words of the CLI's flags. The library's
 * messages say what went wrong; only the CLI knows which flag changes the outcome, so the advice is
 * added here, at the one place every command's errors are printed ({@link Commands#printError}).
 */
public final class NextStep {
  private NextStep() {}

  /** "; " and the advice for {@code e}, or "" when the message is all there is to say. */
  public static String after(Throwable e) {
    if (e instanceof UnsafePathException && e.getMessage() != null && e.getMessage().startsWith("symlink '")
        && (e.getMessage().contains("absolute") || e.getMessage().contains("outside the root"))) {
      return "; rerun with --safe-links to skip such links (they are listed in skipped_symlinks) and sync the rest";
    }
    if (e instanceof SignatureException) {
      return "; check --trust: it must name the origin's public key (the KEY.pub beside the key `chasm publish --key` used)"
          + " and --threshold no more than the keys that sign";
    }
    if (e instanceof NoSuchFileException && ((NoSuchFileException) e).getReason() == null) {
      return ": no such file or directory";
    }
    return "";
  }
}
