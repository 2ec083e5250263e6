package io.chasm.wire.sync.internal;

import io.chasm.hashtree.publish.MirrorState;
import io.chasm.hashtree.publish.StagingArea;
import io.chasm.hashtree.publish.TreePublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Flip mode: each snapshot is a complete tree under {@link MirrorState#flipTrees()}, and {@code DEST/current} is switched to it atomically. */
final class FlipSwitch {
  private FlipSwitch() {}

  /** Where the tree of snapshot {@code sequence} is published. */
  static Path treeOf(Path flipTrees, long sequence) {
    return flipTrees.resolve(String.format("%020d", sequence));
  }

  static void switchCurrent(Path destination, StagingArea staging, Path tree) throws IOException {
    Path dest = destination.toAbsolutePath().normalize();
    Path current = dest.resolve(MirrorState.CURRENT);
    if (Files.exists(current, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(current)) {
      throw new IOException(current + " exists and is not a symlink; refusing to replace it in flip mode");
    }
    Path tmp = staging.temporary(".current");
    Files.delete(tmp);
    Files.createSymbolicLink(tmp, dest.relativize(tree));
    Path tmpInDest = dest.resolve(".current.tmp");
    Files.move(tmp, tmpInDest, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmpInDest, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Keeps the live tree and the one before it (readers may still be in it). */
  static void removeOldTrees(Path live) throws IOException {
    Path trees = live.getParent();
    List<Path> all = new ArrayList<>();
    try (var s = Files.list(trees)) {
      s.filter(p -> !p.equals(live)).sorted().forEach(all::add);
    }
    for (int i = 0; i < all.size() - 1; i++) {
      TreePublisher.deleteRecursively(all.get(i));
    }
  }
}
