package io.chasm.api;

import java.util.Objects;

/**
 * A chunk whose bytes hash to something other than its id: the evidence against the source that
 * sent it (a scheduler bans that source and logs the evidence), kept as fields so that no one has
 * to parse the message.
 */
public class ChunkMismatchException extends HashMismatchException {
  private static final long serialVersionUID = 1L;
  private final String source;
  private final Hash expected;
  private final Hash received;

  /**
   * @param source the name of the source that sent the bytes
   * @param expected the chunk id asked for, i.e. the hash the bytes should have
   * @param received the hash of the bytes that came
   */
  public ChunkMismatchException(String source, Hash expected, Hash received) {
    super("chunk " + expected + " from " + source + " does not match its bytes: expected hash " + expected + ", received hash "
        + received);
    this.source = Objects.requireNonNull(source);
    this.expected = Objects.requireNonNull(expected);
    this.received = Objects.requireNonNull(received);
  }

  public String source() {
    return source;
  }

  public Hash expected() {
    return expected;
  }

  public Hash received() {
    return received;
  }
}
