package io.chasm.examples.doctor;

/** One result of {@code chasm doctor}: a check, its status, what was found, and the one-line fix (empty when OK). */
public record Finding(String check, Status status, String detail, String fix) {
  /** OK: nothing to do; WARN: works but will hurt; FAIL: broken (exit code 1). */
  public enum Status { OK, WARN, FAIL }

  public static Finding ok(String check, String detail) {
    return new Finding(check, Status.OK, detail, "");
  }

  public static Finding warn(String check, String detail, String fix) {
    return new Finding(check, Status.WARN, detail, fix);
  }

  public static Finding fail(String check, String detail, String fix) {
    return new Finding(check, Status.FAIL, detail, fix);
  }
}
