package io.chasm.wire.get.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.MissingContentException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeLimits;
import io.chasm.wire.MirrorSource;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads single trees and manifests from the first live source that holds them, checked against
 * their ids here whatever the source claims to have checked (a web mirror checks nothing). A source
 * that sends a bad object is dropped and the next one is asked.
 */
public final class ObjectReader {
  private final SourceSet sources;
  private final String repository;
  private final String path;

  /** @param path the file being downloaded, named in errors */
  public ObjectReader(SourceSet sources, String repository, String path) {
    this.sources = sources;
    this.repository = repository;
    this.path = path;
  }

  public Tree tree(ObjectId id) throws ChasmException, IOException {
    return Tree.decode(fetch(id), id, TreeLimits.DEFAULT);
  }

  public FileManifest manifest(ObjectId id) throws ChasmException, IOException {
    return FileManifest.decode(fetch(id), id);
  }

  private byte[] fetch(ObjectId id) throws ChasmException, IOException {
    ChasmException bad = null;
    for (MirrorSource s : sources.live()) {
      try {
        Map<ObjectId, byte[]> got = SourceSet.await(s.objects(repository, List.of(id)));
        byte[] data = got.get(id);
        if (data == null) {
          continue;
        }
        check(id, data);
        return data;
      } catch (ChasmException | IOException e) {
        sources.ban(s, e);
        if (SourceSet.isBadData(e)) {
          bad = (ChasmException) e;
        }
      }
    }
    if (bad != null) {
      throw new VerificationException("no source sent " + id + " (on the path to '" + path + "') intact" + sources.summary(), bad);
    }
    throw new MissingContentException("no source holds " + id + " (on the path to '" + path + "')" + sources.summary(), List.of(path));
  }

  private static void check(ObjectId id, byte[] data) throws ChasmException {
    switch (id.kind()) {
      case TREE -> Tree.decode(data, id, TreeLimits.DEFAULT);
      case FILE -> FileManifest.decode(data, id);
      default -> throw new VerificationException(id + " is not a tree or file manifest");
    }
  }
}
