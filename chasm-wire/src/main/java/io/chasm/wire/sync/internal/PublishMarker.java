package io.chasm.wire.sync.internal;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The marker that exists from just before the first rename of a publish until its snapshot is
 * recorded, naming the root tree being published: a run that finds it knows a publish was cut
 * short.
 */
final class PublishMarker {
  private final Path path;

  PublishMarker(Path stateDirectory) {
    this.path = stateDirectory.resolve("publishing");
  }

  Path path() {
    return path;
  }

  /** The root tree an interrupted publish was writing, or null if the last publish completed. */
  ObjectId interrupted() throws IOException {
    if (!Files.exists(path)) {
      return null;
    }
    try {
      return ObjectId.tree(Hash.parse(Files.readString(path).trim()));
    } catch (RuntimeException e) {
      return ObjectId.tree(Hash.sha256(new byte[0])); // unreadable: still check every file
    }
  }

  void write(ObjectId root) throws IOException {
    Files.writeString(path, root.hash().toString());
  }

  void remove() throws IOException {
    Files.deleteIfExists(path);
  }
}
