package io.chasm.wire.internal.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Streams over a blocking {@link SocketChannel}. {@code Channels.newInputStream} on JDK 17 takes
 * the channel's blocking lock for every read and write, so a reader blocked waiting for data would
 * stall every writer on the same channel; these call the channel directly, whose read and write
 * locks are independent.
 */
final class ChannelStreams {
  private ChannelStreams() {}

  static InputStream input(SocketChannel ch) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        int n = ch.read(ByteBuffer.wrap(b, off, len));
        return n;
      }

      @Override
      public void close() throws IOException {
        ch.shutdownInput();
      }
    };
  }

  static OutputStream output(SocketChannel ch) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }

      @Override
      public void close() throws IOException {
        if (ch.isOpen()) {
          ch.shutdownOutput();
        }
      }
    };
  }
}
