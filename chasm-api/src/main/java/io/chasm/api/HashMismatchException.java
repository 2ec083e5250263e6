package io.chasm.api;

/**
 * Content hashed to a different id than the one it was requested or referenced by (a tampered or corrupted chunk, file or tree).
 * When a source sent it, the exception carries the evidence against that source as fields ({@link
 * #source()}, {@link #expected()}, {@link #received()}), so that no one has to parse the message.
 */
public class HashMismatchException extends VerificationException {
  private static final long serialVersionUID = 1L;
  private final String source;
  private final Hash expected;
  private final Hash received;

  public HashMismatchException(String message) {
    super(message);
    this.source = null;
    this.expected = null;
    this.received = null;
  }

  public HashMismatchException(String message, Throwable cause) {
    super(message, cause);
    this.source = null;
    this.expected = null;
    this.received = null;
  }

  /**
   * A chunk whose bytes do not hash to its id: the evidence against the source that sent it.
   *
   * @param source the name of the source that sent the bytes
   * @param expected the chunk id asked for, i.e. the hash the bytes should have
   * @param received the hash of the bytes that came
   */
  public HashMismatchException(String source, Hash expected, Hash received) {
    super("chunk " + expected + " from " + source + " does not match its bytes: expected hash " + expected + ", received hash "
        + received);
    this.source = source;
    this.expected = expected;
    this.received = received;
  }

  /** The source that sent the bytes, or null if not known. */
  public String source() {
    return source;
  }

  /** The hash the bytes should have had, or null if not known. */
  public Hash expected() {
    return expected;
  }

  /** The hash of the bytes received, or null if not known. */
  public Hash received() {
    return received;
  }
}
