package io.chasm.hashtree.index;

import java.nio.file.Path;

/**
 * Where a chunk's bytes are in the live tree: {@code length} bytes at {@code offset} of {@code
 * file}. The file may have changed since it was indexed: readers must hash what they read.
 */
public record ChunkLocation(Path file, long offset, int length) {}
