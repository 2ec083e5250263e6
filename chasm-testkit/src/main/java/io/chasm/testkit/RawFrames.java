package io.chasm.testkit;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ProtocolException;
import io.chasm.wire.proto.peer.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Frames as SPEC §7 defines them, {@code length:u32 big-endian || Frame}, written from the spec
 * rather than taken from chasm-wire: a test fixture that shared the implementation's framing
 * would share its bugs too. No streaming, no aliasing; tests do not need the speed.
 */
public final class RawFrames {
  private RawFrames() {}

  /** The bytes of one frame on the wire: the 4-byte big-endian length, then the payload. */
  public static byte[] encode(Frame frame) {
    byte[] payload = frame.toByteArray();
    if (payload.length == 0) {
      throw new IllegalArgumentException("a frame must have a body");
    }
    byte[] b = new byte[4 + payload.length];
    b[0] = (byte) (payload.length >>> 24);
    b[1] = (byte) (payload.length >>> 16);
    b[2] = (byte) (payload.length >>> 8);
    b[3] = (byte) payload.length;
    System.arraycopy(payload, 0, b, 4, payload.length);
    return b;
  }

  /** Writes and flushes one frame. */
  public static void write(OutputStream out, Frame frame) throws IOException {
    out.write(encode(frame));
    out.flush();
  }

  /**
   * Reads one frame.
   *
   * @return the frame, or {@code null} if the stream ended cleanly between two frames
   * @throws LimitExceededException if the claimed length exceeds {@code maxFrameBytes}
   * @throws ProtocolException if the length is 0, the stream ends inside a frame, or the payload
   *     is not a {@link Frame} with a known body
   */
  public static Frame read(InputStream in, int maxFrameBytes) throws IOException, LimitExceededException, ProtocolException {
    byte[] header = new byte[4];
    int got = readFully(in, header);
    if (got == 0) {
      return null;
    }
    if (got < 4) {
      throw new ProtocolException("connection closed inside a frame header (" + got + " of 4 bytes)");
    }
    long length = ((header[0] & 0xffL) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    if (length > maxFrameBytes) {
      throw new LimitExceededException("frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
    }
    if (length == 0) {
      throw new ProtocolException("empty frame (length 0)");
    }
    byte[] payload = new byte[(int) length];
    int filled = readFully(in, payload);
    if (filled < payload.length) {
      throw new ProtocolException("connection closed inside a frame (" + filled + " of " + length + " bytes)");
    }
    Frame frame;
    try {
      frame = Frame.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new ProtocolException("malformed frame: " + firstLine(e.getMessage()), e);
    }
    if (frame.getBodyCase() == Frame.BodyCase.BODY_NOT_SET) {
      throw new ProtocolException("frame without a known body (" + payload.length + " bytes)");
    }
    return frame;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static int readFully(InputStream in, byte[] b) throws IOException {
    int total = 0;
    while (total < b.length) {
      int n = in.read(b, total, b.length - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}
