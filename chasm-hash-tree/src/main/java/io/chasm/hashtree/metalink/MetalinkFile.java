package io.chasm.hashtree.metalink;

import java.util.List;
import java.util.Objects;

/**
 * One {@code <file>} of an RFC 5854 Metalink document.
 *
 * @param name the file's tree path, {@code /}-separated (RFC 5854 §4.1.2.1: relative, no {@code ..})
 * @param size its length in bytes
 * @param sha256 SHA-256 of its bytes, lower-case hex
 * @param pieceLength the length of every piece but the last (RFC 5854 §4.2.9)
 * @param pieces SHA-256 of each piece in order, lower-case hex (none for the empty file)
 * @param urls the mirrors that carry it (tree roots; the writer appends {@code name})
 */
public record MetalinkFile(String name, long size, String sha256, int pieceLength, List<String> pieces, List<MirrorUrl> urls) {
  public MetalinkFile {
    Objects.requireNonNull(name);
    pieces = List.copyOf(pieces);
    urls = List.copyOf(urls);
  }
}
