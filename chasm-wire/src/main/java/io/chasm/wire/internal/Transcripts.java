package io.chasm.wire.internal;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The exact bytes each side signs in the handshake (SPEC §8.4):
 *
 * <pre>
 *   context (ASCII, NUL-terminated) || u8 len || client key || u8 len || server key
 *                                   || client nonce (32) || server nonce (32)
 * </pre>
 *
 * Each nonce makes a proof fresh for the side that chose it; both keys bind the proof to this
 * pair of identities; the two contexts stop a proof made as server from being replayed as client.
 */
public final class Transcripts {
  public static final String SERVER_CONTEXT = "chasm-peer-v1 server proof";
  public static final String CLIENT_CONTEXT = "chasm-peer-v1 client proof";

  private Transcripts() {}

  public static byte[] server(ByteString clientKey, ByteString serverKey, ByteString clientNonce, ByteString serverNonce) {
    return build(SERVER_CONTEXT, clientKey, serverKey, clientNonce, serverNonce);
  }

  public static byte[] client(ByteString clientKey, ByteString serverKey, ByteString clientNonce, ByteString serverNonce) {
    return build(CLIENT_CONTEXT, clientKey, serverKey, clientNonce, serverNonce);
  }

  private static byte[] build(String context, ByteString clientKey, ByteString serverKey, ByteString cn, ByteString sn) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(160);
    b.writeBytes(context.getBytes(StandardCharsets.US_ASCII));
    b.write(0);
    b.write(clientKey.size());
    b.writeBytes(clientKey.toByteArray());
    b.write(serverKey.size());
    b.writeBytes(serverKey.toByteArray());
    b.writeBytes(cn.toByteArray());
    b.writeBytes(sn.toByteArray());
    return b.toByteArray();
  }
}
