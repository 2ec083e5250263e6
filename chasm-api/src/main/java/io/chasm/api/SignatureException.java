package io.chasm.api;

/**
 * A snapshot's signatures do not satisfy the trust policy: a bad signature, an unknown key, or fewer valid signatures than the threshold.
 */
public class SignatureException extends VerificationException {
  private static final long serialVersionUID = 1L;

  public SignatureException(String message) {
    super(message);
  }

  public SignatureException(String message, Throwable cause) {
    super(message, cause);
  }
}
