package io.chasm.api;

/**
 * Two validly signed snapshots of one repository carry the same sequence and different roots:
 * an origin key signed conflicting histories (misbehaved, or was stolen). The node holds a proof
 * (both signed envelopes) and refuses to move to either; only an operator can resolve it.
 */
public class EquivocationException extends VerificationException {
  private static final long serialVersionUID = 1L;

  private final long sequence;
  private final String proof;

  /**
   * @param sequence the sequence signed twice
   * @param proof where the proof was written (a file path), or null if it was not written
   */
  public EquivocationException(String message, long sequence, String proof) {
    super(message);
    this.sequence = sequence;
    this.proof = proof;
  }

  /** The sequence signed twice. */
  public long sequence() {
    return sequence;
  }

  /** Where the proof was written, or null. */
  public String proof() {
    return proof;
  }
}
