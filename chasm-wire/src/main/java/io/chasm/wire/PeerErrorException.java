package io.chasm.wire;

import io.chasm.api.ProtocolException;

/**
 * The peer answered a request with an error reply (SPEC §9.6). {@link #code()} tells whether
 * retrying makes sense: {@code UNAVAILABLE} and {@code INTERNAL} may succeed later or elsewhere,
 * the others will not.
 */
public class PeerErrorException extends ProtocolException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public PeerErrorException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
