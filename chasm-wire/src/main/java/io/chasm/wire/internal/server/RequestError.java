package io.chasm.wire.internal.server;

import io.chasm.api.ChasmException;
import io.chasm.api.LimitExceededException;
import io.chasm.wire.proto.peer.ErrorCode;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A request failed with a code; the message goes to the client. */
final class RequestError extends Exception {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
  final ErrorCode code;

  RequestError(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  interface BackendCall<T> {
    T call() throws IOException, ChasmException;
  }

  /** Backend failures become INTERNAL for the client; details stay in our log. */
  static <T> T backend(String peer, BackendCall<T> call) throws RequestError {
    try {
      return call.call();
    } catch (LimitExceededException e) {
      throw new RequestError(ErrorCode.LIMIT, e.getMessage());
    } catch (IOException | ChasmException | RuntimeException e) {
      LOG.warn("backend failed serving {}: {}", peer, e.toString());
      throw new RequestError(ErrorCode.INTERNAL, "the server failed to read the data");
    }
  }
}
