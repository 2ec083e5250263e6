/**
 * Content-defined chunking (FastCDC 2020, tck/SPEC.md section 2): {@link
 * io.chasm.hashtree.chunk.Chunker} cuts arrays, streams, channels and files into {@link
 * io.chasm.hashtree.chunk.Chunk}s (offset, length, SHA-256 id) with the cut points of the Rust
 * {@code fastcdc} crate's {@code v2020} module for the same {@link
 * io.chasm.hashtree.chunk.ChunkingParams}. Arguments are never null.
 */
package io.chasm.hashtree.chunk;
