package io.chasm.wire.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.chasm.api.LimitExceededException;
import io.chasm.api.ProtocolException;
import io.chasm.wire.proto.peer.Frame;
import io.chasm.wire.proto.peer.GetChunks;
import io.chasm.wire.proto.peer.Item;
import io.chasm.wire.proto.peer.Reply;
import io.chasm.wire.proto.peer.Request;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FramingTest {
  private static final int MAX = 1 << 20;

  private static Frame chunkReply(long id, byte[] data) {
    return Frame.newBuilder()
        .setReply(Reply.newBuilder().setRequestId(id).setItem(
            Item.newBuilder().setId(ByteString.copyFrom(new byte[] {1, 2})).setData(ByteString.copyFrom(data)).setRawSize(data.length)))
        .build();
  }

  @Property(tries = 200)
  void roundTrip_anySequenceOfFrames(@ForAll @Size(max = 8) List<@Size(max = 3000) byte[]> payloads, @ForAll long id)
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(bytes, MAX);
    List<Frame> sent = new ArrayList<>();
    for (byte[] p : payloads) {
      Frame f = chunkReply(id, p);
      sent.add(f);
      w.write(f, false);
    }
    w.flush();
    FrameReader r = new FrameReader(new ByteArrayInputStream(bytes.toByteArray()), MAX);
    for (Frame f : sent) {
      assertThat(r.read()).isEqualTo(f);
    }
    assertThat(r.read()).isNull();
    assertThat(r.framesRead()).isEqualTo(sent.size());
  }

  @Test
  void write_lengthPrefixIsBigEndian() throws Exception {
    Frame f = Frame.newBuilder().setRequest(Request.newBuilder().setId(1)).build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new FrameWriter(bytes, MAX).write(f);
    byte[] b = bytes.toByteArray();
    assertThat(b).startsWith(0, 0, 0, f.getSerializedSize());
    assertThat(b).hasSize(4 + f.getSerializedSize());
  }

  @Test
  void read_oversizedClaim_isRefusedBeforeAllocating() {
    // 0xffffffff: a 4 GiB claim, followed by nothing.
    FrameReader r = new FrameReader(new ByteArrayInputStream(new byte[] {-1, -1, -1, -1}), MAX);
    assertThatThrownBy(r::read)
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("frame of 4294967295 bytes exceeds the limit of 1048576");
  }

  @Test
  void read_largeClaim_allocatesOnlyAsBytesArrive() {
    int[] largestRead = {0};
    byte[] header = {0, (byte) 0xf0, 0, 0}; // claims 15 MiB
    InputStream trickle =
        new InputStream() {
          int pos;

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            largestRead[0] = Math.max(largestRead[0], len);
            if (pos < 4) {
              int n = Math.min(len, 4 - pos);
              System.arraycopy(header, pos, b, off, n);
              pos += n;
              return n;
            }
            return pos++ < 14 ? 1 : -1; // ten bytes of body, then the peer dies
          }
        };
    FrameReader r = new FrameReader(trickle, 16 << 20);
    assertThatThrownBy(r::read)
        .isInstanceOf(ProtocolException.class)
        .hasMessage("connection closed inside a frame (10 of 15728640 bytes)");
    assertThat(largestRead[0]).isLessThanOrEqualTo(FrameReader.EAGER_ALLOCATION);
  }

  @Test
  void read_zeroLength_isProtocolError() {
    FrameReader r = new FrameReader(new ByteArrayInputStream(new byte[4]), MAX);
    assertThatThrownBy(r::read).isInstanceOf(ProtocolException.class).hasMessage("empty frame (length 0) after frame 0");
  }

  @Test
  void read_truncatedHeader_isProtocolError() {
    FrameReader r = new FrameReader(new ByteArrayInputStream(new byte[] {0, 0}), MAX);
    assertThatThrownBy(r::read).isInstanceOf(ProtocolException.class).hasMessageContaining("frame header (2 of 4");
  }

  @Test
  void read_malformedProtobuf_isProtocolError() {
    byte[] garbage = {0, 0, 0, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    FrameReader r = new FrameReader(new ByteArrayInputStream(garbage), MAX);
    assertThatThrownBy(r::read).isInstanceOf(ProtocolException.class).hasMessageStartingWith("malformed frame: ");
  }

  @Test
  void read_unknownBodyOnly_isProtocolError() {
    // Field 99, varint 1: well-formed protobuf, but no body this version knows.
    byte[] unknown = {0, 0, 0, 3, (byte) 0x98, 0x06, 0x01};
    FrameReader r = new FrameReader(new ByteArrayInputStream(unknown), MAX);
    assertThatThrownBy(r::read).isInstanceOf(ProtocolException.class).hasMessage("frame without a known body (3 bytes)");
  }

  @Test
  void write_oversizedFrame_isRefusedAndWritesNothing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(bytes, 64 << 10);
    assertThatThrownBy(() -> w.write(chunkReply(1, new byte[70_000]))).isInstanceOf(LimitExceededException.class);
    assertThat(bytes.size()).isZero();
  }

  @Test
  void parse_aliasesByteFieldsToThePayload() throws Exception {
    Frame f = Frame.newBuilder().setRequest(Request.newBuilder().setId(9).setGetChunks(
        GetChunks.newBuilder().addIds(ByteString.copyFrom(new byte[40])))).build();
    byte[] payload = f.toByteArray();
    Frame parsed = FrameReader.parse(payload);
    payload[payload.length - 1] = 7; // the last id byte: visible through the alias
    assertThat(parsed.getRequest().getGetChunks().getIds(0).byteAt(39)).isEqualTo((byte) 7);
  }
}
