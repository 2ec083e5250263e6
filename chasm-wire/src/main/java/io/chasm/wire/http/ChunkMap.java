package io.chasm.wire.http;

import io.chasm.api.Hash;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.merkle.FileManifest;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each chunk of a snapshot lies in a mirror's files, from the snapshot's file manifests: a
 * chunk id to one (path, offset, length) of a file that holds it. A web mirror is asked for chunks
 * by these places, since it knows only files.
 */
public final class ChunkMap {
  /** A chunk's place: {@code length} bytes at {@code offset} of the file {@code path} ({@code fileSize} bytes in the snapshot). */
  public record Place(String path, long offset, int length, long fileSize) {
    public Place {
      Objects.requireNonNull(path, "path");
    }
  }

  private final Map<Hash, Place> places = new ConcurrentHashMap<>();

  /** Adds every chunk of the file at {@code path} (tree path, {@code /}-separated); a chunk already placed keeps its place. */
  public ChunkMap add(String path, FileManifest manifest) {
    for (Chunk c : manifest.chunks()) {
      places.putIfAbsent(c.id(), new Place(path, c.offset(), c.length(), manifest.size()));
    }
    return this;
  }

  /** Adds chunk {@code index} of the file at {@code path} only. */
  public ChunkMap add(String path, FileManifest manifest, int index) {
    Chunk c = manifest.chunk(index);
    places.putIfAbsent(c.id(), new Place(path, c.offset(), c.length(), manifest.size()));
    return this;
  }

  /** The place of {@code id}, or null if no file added holds it. */
  public Place place(Hash id) {
    return places.get(id);
  }

  public int size() {
    return places.size();
  }
}
