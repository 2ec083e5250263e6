package io.chasm.hashtree.metalink.internal;

import io.chasm.api.Hash;
import io.chasm.api.Hex;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.merkle.FileManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SHA-256 of a file and of its fixed-length pieces, in one read that also checks each
 * content-defined chunk against the snapshot's manifest: digests are only ever published for the
 * bytes the signed snapshot names, never for a live file edited since.
 */
public final class FileDigests {
  /** @param sha256 of the whole file, hex; @param pieces of each piece, hex */
  public record Digests(String sha256, List<String> pieces) {}

  private FileDigests() {}

  /**
   * @param path the tree path, for messages
   * @throws VerificationException if the live file is not the manifest's file
   */
  public static Digests compute(Path file, String path, FileManifest manifest, int pieceLength)
      throws IOException, VerificationException {
    long size = Files.size(file);
    if (size != manifest.size()) {
      throw changed(path, "size " + size + ", the snapshot says " + manifest.size());
    }
    MessageDigest whole = sha256();
    MessageDigest piece = sha256();
    MessageDigest chunk = sha256();
    List<String> pieces = new ArrayList<>();
    int chunkIndex = 0;
    long chunkLeft = manifest.chunkCount() == 0 ? 0 : manifest.chunk(0).length();
    long pieceLeft = pieceLength;
    byte[] buf = new byte[1 << 20];
    long read = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (read + n > size) {
          throw changed(path, "it grew while being read");
        }
        read += n;
        whole.update(buf, 0, n);
        int off = 0;
        while (off < n) {
          int take = (int) Math.min(n - off, Math.min(chunkLeft, pieceLeft));
          piece.update(buf, off, take);
          chunk.update(buf, off, take);
          off += take;
          pieceLeft -= take;
          chunkLeft -= take;
          if (pieceLeft == 0) {
            pieces.add(Hex.encode(piece.digest()));
            pieceLeft = pieceLength;
          }
          if (chunkLeft == 0) {
            Chunk c = manifest.chunk(chunkIndex);
            if (!Hash.of(c.id().algorithm(), chunk.digest()).equals(c.id())) {
              throw changed(path, "bytes " + c.offset() + ".." + c.end() + " differ");
            }
            chunkIndex++;
            chunkLeft = chunkIndex < manifest.chunkCount() ? manifest.chunk(chunkIndex).length() : 0;
          }
        }
      }
    }
    if (read != size) {
      throw changed(path, "it shrank while being read");
    }
    if (pieceLeft != pieceLength) {
      pieces.add(Hex.encode(piece.digest()));
    }
    return new Digests(Hex.encode(whole.digest()), pieces);
  }

  private static VerificationException changed(String path, String why) {
    return new VerificationException("'" + path + "' changed since the snapshot (" + why + "): publish again");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
