package io.chasm.wire.internal;

import io.chasm.wire.ErrorCode;
import io.chasm.wire.Permission;

/** Maps the generated protocol enums to the public ones, so no generated type leaks into the API. */
public final class ProtoEnums {
  private ProtoEnums() {}

  public static ErrorCode errorCode(io.chasm.wire.proto.peer.ErrorCode code) {
    return switch (code) {
      case ERROR_CODE_UNSPECIFIED -> ErrorCode.UNSPECIFIED;
      case NOT_FOUND -> ErrorCode.NOT_FOUND;
      case LIMIT -> ErrorCode.LIMIT;
      case UNAUTHORIZED -> ErrorCode.UNAUTHORIZED;
      case BAD_REQUEST -> ErrorCode.BAD_REQUEST;
      case INTERNAL -> ErrorCode.INTERNAL;
      case UNSUPPORTED_VERSION -> ErrorCode.UNSUPPORTED_VERSION;
      case BAD_PROOF -> ErrorCode.BAD_PROOF;
      case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
      case REJECTED -> ErrorCode.REJECTED;
      case UNRECOGNIZED -> ErrorCode.UNKNOWN;
    };
  }

  /** Null for values without a public meaning (unspecified, unrecognized), which clients ignore. */
  public static Permission permission(io.chasm.wire.proto.peer.Permission p) {
    return switch (p) {
      case READ -> Permission.READ;
      case ANNOUNCE -> Permission.ANNOUNCE;
      case PERMISSION_UNSPECIFIED, UNRECOGNIZED -> null;
    };
  }
}
