package io.chasm.wire.sync.internal;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.tree.SafePaths;
import io.chasm.hashtree.store.ObjectStore;
import io.chasm.hashtree.tree.EntryKind;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.http.HttpObjectSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Fetches the trees and file manifests a run needs into the object store, verified. */
final class ObjectFetcher {
  /** Object ids per request: objects are small, so more per batch than chunks. */
  private static final int OBJECTS_PER_BATCH = 1024;
  private final RunSettings s;
  private final Upstreams ups;
  private final ClientOptions client;
  private final ObjectStore store;
  private final String repo;
  private final ObjectChecks checks;

  ObjectFetcher(RunSettings s, Upstreams ups, ClientOptions client, ObjectStore store, String repo, ObjectChecks checks) {
    this.s = s;
    this.ups = ups;
    this.client = client;
    this.store = store;
    this.repo = repo;
    this.checks = checks;
  }

  /** Fetches, level by level, every tree of the new snapshot whose id differs from the old one at the same path. */
  void fetchTrees(ObjectId newRoot, ObjectId oldRoot) throws ChasmException, IOException {
    List<ObjectId[]> level = new ArrayList<>();
    level.add(new ObjectId[] {newRoot, oldRoot});
    Set<ObjectId> seen = new HashSet<>();
    while (!level.isEmpty()) {
      List<ObjectId> missing = new ArrayList<>();
      for (ObjectId[] p : level) {
        if (!p[0].equals(p[1]) && !store.contains(p[0]) && seen.add(p[0])) {
          missing.add(p[0]);
        }
      }
      fetchObjects(ObjectKind.TREE, missing, id -> null);
      List<ObjectId[]> next = new ArrayList<>();
      for (ObjectId[] p : level) {
        if (p[0].equals(p[1])) {
          continue;
        }
        Tree nt = store.tree(p[0]);
        Tree ot = p[1] == null ? null : store.tree(p[1]);
        for (TreeEntry e : nt.entries()) {
          if (e.kind() != EntryKind.DIRECTORY) {
            continue;
          }
          TreeEntry oe = ot == null ? null : ot.entry(e.name());
          ObjectId oid = oe != null && oe.kind() == EntryKind.DIRECTORY ? oe.id() : null;
          if (!e.id().equals(oid)) {
            next.add(new ObjectId[] {e.id(), oid});
          }
        }
      }
      level = next;
    }
  }

  /** Fetches the manifest of every file to write and checks it against its tree entry. */
  void fetchManifests(List<FileJob> jobs) throws ChasmException, IOException {
    Set<ObjectId> missing = new LinkedHashSet<>();
    for (FileJob j : jobs) {
      if (j.hardlinkFrom == null && !store.contains(j.entry.id())) {
        missing.add(j.entry.id());
      }
    }
    if (missing.size() >= s.wideFetchChunks() && s.connections() > 1) {
      UpstreamConnector.widen(ups, s.connections(), client);
    }
    fetchObjects(ObjectKind.FILE, new ArrayList<>(missing), ManifestBaseOffers.of(jobs, store));
    for (FileJob j : jobs) {
      if (j.hardlinkFrom == null) {
        FileManifest m = checks.manifest(j.entry.id());
        j.manifest = m != null ? m : store.manifest(j.entry.id());
        if (j.manifest.size() != j.entry.size()) {
          throw new HashMismatchException("'" + SafePaths.printable(j.path) + "': tree says " + j.entry.size()
              + " bytes, its manifest " + j.manifest.size());
        }
      }
    }
  }

  /** Fetches objects of one kind into the store. */
  private void fetchObjects(ObjectKind kind, List<ObjectId> ids, java.util.function.Function<ObjectId, FileManifest> bases)
      throws ChasmException, IOException {
    if (ids.isEmpty()) {
      return;
    }
    Set<Hash> need = ConcurrentHashMap.newKeySet();
    List<Hash> hashes = new ArrayList<>(ids.size());
    for (ObjectId id : ids) {
      need.add(id.hash());
      hashes.add(id.hash());
    }
    ups.fetch(hashes, OBJECTS_PER_BATCH, s.batchesInFlight(), u -> u.web() != null
        ? new HttpObjectSource(u.web(), kind, checks::verify) : new PeerObjectSource(u.peer(), repo, kind, bases), new Upstreams.Delivery() {
      @Override
      public void chunk(Hash id, byte[] data) throws IOException {
        try {
          store.put(new ObjectId(kind, id), data);
          need.remove(id);
        } catch (IOException e) {
          ups.failLocally(e);
          throw e;
        }
      }

      @Override
      public boolean stillNeeded(Hash id) {
        return need.contains(id);
      }

      @Override
      public Object label(Hash id) {
        return new ObjectId(kind, id);
      }
    });
  }
}
