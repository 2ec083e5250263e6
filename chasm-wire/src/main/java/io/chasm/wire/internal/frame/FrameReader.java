package io.chasm.wire.internal.frame;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ProtocolException;
import io.chasm.wire.proto.peer.Frame;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads length-prefixed frames (SPEC §7): {@code length:u32 big-endian || payload}.
 *
 * <p>The claimed length is checked against the limit before anything is allocated, and a large
 * frame's buffer grows only as its bytes actually arrive, so a peer that claims 16 MiB and then
 * trickles or stops costs what it sent, not what it claimed. Parsed byte fields alias the frame's
 * own buffer (no copy); each frame gets a fresh buffer, so a frame stays valid after the next
 * read. Not thread-safe: one reader per connection.
 */
public final class FrameReader {
  /**
   * Frames up to this size get their whole buffer at once; larger ones grow as data arrives. Above
   * a 256 KiB chunk plus its envelope, so the common large frame is read with no regrowth copy.
   */
  static final int EAGER_ALLOCATION = 1 << 20;

  private final InputStream in;
  private final int maxFrameBytes;
  private final byte[] header = new byte[4];
  private long framesRead;
  private Observer observer = Observer.NONE;

  /** Told when a frame starts to arrive, so a server can hold a trickling peer to a floor rate. */
  public interface Observer {
    Observer NONE = new Observer() {
      @Override
      public void frameBegun() {}

      @Override
      public void frameLength(int length) {}
    };

    /** The first byte of a frame's header has arrived. */
    void frameBegun();

    /** The header has arrived and claims {@code length} bytes (already checked against the limit). */
    void frameLength(int length);
  }

  /**
   * @param in the connection's input; should be buffered by the caller if it is a raw socket
   * @param maxFrameBytes frames with a larger claimed length are refused
   */
  public FrameReader(InputStream in, int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be positive, got " + maxFrameBytes);
    }
    this.in = in;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Reports to {@code o} from the next frame on; returns this. */
  public FrameReader observe(Observer o) {
    this.observer = o;
    return this;
  }

  /**
   * Reads the next frame's payload bytes.
   *
   * @return the payload, or {@code null} if the stream ended cleanly between two frames
   * @throws LimitExceededException if the claimed length exceeds the limit
   * @throws ProtocolException if the length is zero or the stream ends inside a frame
   * @throws IOException if reading failed
   */
  public byte[] readPayload() throws IOException, LimitExceededException, ProtocolException {
    if (readFully(header, 0, 1) == 0) {
      return null;
    }
    observer.frameBegun();
    int got = 1 + readFully(header, 1, 3);
    if (got < 4) {
      throw new ProtocolException("connection closed inside a frame header (" + got + " of 4 bytes)");
    }
    long length = ((header[0] & 0xffL) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    if (length > maxFrameBytes) {
      throw new LimitExceededException("frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
    }
    if (length == 0) {
      throw new ProtocolException("empty frame (length 0) after frame " + framesRead);
    }
    int len = (int) length;
    observer.frameLength(len);
    byte[] buf = new byte[Math.min(len, EAGER_ALLOCATION)];
    int filled = 0;
    while (filled < len) {
      if (filled == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(len, buf.length * 2L));
      }
      int n = in.read(buf, filled, buf.length - filled);
      if (n < 0) {
        throw new ProtocolException("connection closed inside a frame (" + filled + " of " + len + " bytes)");
      }
      filled += n;
    }
    framesRead++;
    return buf;
  }

  /**
   * Reads and parses the next frame.
   *
   * @return the frame, or {@code null} if the stream ended cleanly between two frames
   * @throws ProtocolException if the payload is not a well-formed {@link Frame} with a body
   */
  public Frame read() throws IOException, LimitExceededException, ProtocolException {
    byte[] payload = readPayload();
    return payload == null ? null : parse(payload);
  }

  /**
   * Parses one frame payload, aliasing byte fields to {@code payload}.
   *
   * @throws ProtocolException if the payload is malformed or has no body
   */
  public static Frame parse(byte[] payload) throws ProtocolException {
    Frame frame;
    try {
      // An immutable-flagged input is what lets protobuf alias instead of copy.
      CodedInputStream cis = UnsafeByteOperations.unsafeWrap(payload).newCodedInput();
      cis.enableAliasing(true);
      frame = Frame.parseFrom(cis);
      cis.checkLastTagWas(0);
    } catch (InvalidProtocolBufferException e) {
      throw new ProtocolException("malformed frame: " + oneLine(e.getMessage()), e);
    } catch (IOException e) {
      throw new ProtocolException("malformed frame: " + oneLine(e.getMessage()), e);
    }
    if (frame.getBodyCase() == Frame.BodyCase.BODY_NOT_SET) {
      throw new ProtocolException("frame without a known body (" + payload.length + " bytes)");
    }
    return frame;
  }

  /** Frames read so far. */
  public long framesRead() {
    return framesRead;
  }

  private int readFully(byte[] b, int off, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int n = in.read(b, off + total, len - total);
      if (n < 0) {
        if (total == 0) {
          return 0;
        }
        break;
      }
      total += n;
    }
    return total;
  }

  static String oneLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
