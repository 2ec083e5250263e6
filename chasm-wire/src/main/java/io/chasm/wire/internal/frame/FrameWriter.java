package io.chasm.wire.internal.frame;

import com.google.protobuf.CodedOutputStream;
import io.chasm.api.LimitExceededException;
import io.chasm.wire.proto.peer.Frame;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes length-prefixed frames (SPEC §7). Thread-safe: several request handlers may reply on
 * one connection; each frame is written whole.
 *
 * <p>Byte fields larger than the internal buffer go straight to the stream, so a chunk wrapped
 * with {@code UnsafeByteOperations.unsafeWrap} is never copied on its way out.
 */
public final class FrameWriter {
  private static final int BUFFER = 64 << 10;

  private final OutputStream out;
  private final CodedOutputStream coded;
  private final int maxFrameBytes;

  public FrameWriter(OutputStream out, int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be positive, got " + maxFrameBytes);
    }
    this.out = out;
    this.coded = CodedOutputStream.newInstance(out, BUFFER);
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Writes and flushes one frame.
   *
   * @throws LimitExceededException if the frame would exceed the limit (nothing is written)
   */
  public void write(Frame frame) throws IOException, LimitExceededException {
    write(frame, true);
  }

  /**
   * Writes one frame, flushing only if asked (batch several small frames, then {@link #flush()}).
   *
   * @throws LimitExceededException if the frame would exceed the limit (nothing is written)
   */
  public synchronized void write(Frame frame, boolean flush) throws IOException, LimitExceededException {
    int size = frame.getSerializedSize();
    if (size > maxFrameBytes) {
      throw new LimitExceededException("frame of " + size + " bytes exceeds the limit of " + maxFrameBytes);
    }
    if (size == 0) {
      throw new IllegalArgumentException("a frame must have a body");
    }
    coded.writeFixed32NoTag(Integer.reverseBytes(size));
    frame.writeTo(coded);
    if (flush) {
      coded.flush();
    }
  }

  public synchronized void flush() throws IOException {
    coded.flush();
  }

  /** Writes raw bytes (for tests and conformance checks that must send malformed input). */
  public synchronized void writeRaw(byte[] bytes) throws IOException {
    coded.flush();
    out.write(bytes);
    out.flush();
  }
}
