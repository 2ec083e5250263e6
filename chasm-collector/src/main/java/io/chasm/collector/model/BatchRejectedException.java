package io.chasm.collector.model;

import io.chasm.api.ChasmException;

/**
 * The collector refused a submitted batch; {@link #reason()} says why and maps to the HTTP status
 * of the submission API (tck/SPEC.md §11).
 */
public final class BatchRejectedException extends ChasmException {
  private static final long serialVersionUID = 1L;

  /** Why a batch was refused, with the HTTP status the API answers. */
  public enum Reason {
    /** Not a SignedStatsBatch, or its StatsBatch breaks a rule. */
    MALFORMED(400),
    /** The public key is not enrolled, or the signature does not verify. */
    UNAUTHENTICATED(401),
    /** The key is enrolled but revoked, or the batch names another mirror. */
    FORBIDDEN(403),
    /** A batch with the same id but different content was accepted before. */
    CONFLICT(409),
    /** The body exceeds the configured limit. */
    TOO_LARGE(413),
    /**
     * The collector's backlog (batches acknowledged but not yet in the rollups) is past its bound:
     * nothing was counted; resend after a while (the API says when, in Retry-After).
     */
    BUSY(503);

    private final int httpStatus;

    Reason(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Reason reason;

  public BatchRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public BatchRejectedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
