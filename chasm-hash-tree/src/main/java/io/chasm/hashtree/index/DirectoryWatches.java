package io.chasm.hashtree.index;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Registers a directory and every directory below it with a {@link WatchService}: what both
 * watchers of a tree ({@link TreeWatcher}, {@link IndexWatcher}) do at start and for each new
 * directory, since inotify watches one directory, not a subtree.
 */
final class DirectoryWatches {
  private DirectoryWatches() {}

  /**
   * Registers {@code dir} and its subdirectories, skipping those {@code excluded} accepts, into
   * {@code keys}. A directory that vanished meanwhile is no error (its parent's event tells of it).
   *
   * @throws IOException if a directory cannot be registered, e.g. at the system's watch limit
   */
  static void registerAll(Path dir, WatchService watch, Map<WatchKey, Path> keys, Predicate<Path> excluded)
      throws IOException {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
          if (excluded.test(d)) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          // Re-registering a moved directory returns its old key: mapping it anew makes later events name the new path.
          keys.put(d.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
              StandardWatchEventKinds.ENTRY_MODIFY), d);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException e) {
      // gone before we got to it
    }
  }
}
