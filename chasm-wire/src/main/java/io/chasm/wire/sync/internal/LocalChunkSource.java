package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.ChunkSource;
import io.chasm.hashtree.index.ChunkLocation;
import io.chasm.hashtree.index.ChunkLocator;
import io.chasm.hashtree.publish.StagedFile;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The live files of the local tree as a {@link ChunkSource}: each id is looked up in the given
 * locators in turn and read from the first place that holds it. What is read is hashed against
 * the id first (a live file may have changed since it was indexed), so a changed file yields "not
 * held", never wrong bytes. Answers on the calling thread: the returned future is already done.
 */
public final class LocalChunkSource implements ChunkSource {
  /** Opens a locator when it is first needed (building one can cost a walk of a tree's manifests). */
  @FunctionalInterface
  public interface LocatorFactory {
    ChunkLocator open() throws IOException, ChasmException;
  }

  private final String name;
  private final List<LocatorFactory> factories;
  private final ChunkLocator[] opened;

  public LocalChunkSource(String name, List<LocatorFactory> locators) {
    this.name = name;
    this.factories = List.copyOf(locators);
    this.opened = new ChunkLocator[factories.size()];
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver) {
    try {
      for (Hash id : ids) {
        byte[] data = read(id);
        if (data != null) {
          receiver.chunk(id, data);
        } else {
          receiver.notHeld(id);
        }
      }
      return CompletableFuture.completedFuture(null);
    } catch (IOException | ChasmException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private byte[] read(Hash id) throws IOException, ChasmException {
    for (int i = 0; i < opened.length; i++) {
      if (opened[i] == null) {
        opened[i] = factories.get(i).open();
      }
      Optional<ChunkLocation> l = opened[i].locate(id);
      if (l.isPresent()) {
        try {
          return StagedFile.readVerified(l.get().file(), l.get().offset(), l.get().length(), id);
        } catch (HashMismatchException e) {
          // changed since it was indexed: another locator (or a peer) may still hold the chunk
        }
      }
    }
    return null;
  }

  @Override
  public boolean verifiesChunks() {
    return true;
  }

  /** False: the live tree holds what it holds: a changed file is no lie. */
  @Override
  public boolean promisesWholeSnapshot() {
    return false;
  }
}
