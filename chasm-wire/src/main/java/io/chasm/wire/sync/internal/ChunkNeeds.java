package io.chasm.wire.sync.internal;

import io.chasm.api.Hash;
import io.chasm.hashtree.index.ChunkLocation;
import io.chasm.hashtree.publish.StagedFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunks a run still needs: for each id the staged files and positions it goes to, in first
 * need order; and for some ids a prefix the live tree already holds (SPEC §9.17).
 */
final class ChunkNeeds {
  /** One place a chunk goes: chunk {@code index} of a staged file, staged for tree path {@code path}. */
  record Target(StagedFile file, int index, String path) {}

  /** Removed as each chunk is written, so what is left is what no source has sent yet. */
  final Map<Hash, List<Target>> targets = new ConcurrentHashMap<>();
  final List<Hash> order = new ArrayList<>();
  /** Where each chunk to fetch may start with bytes this tree already holds. */
  final Map<Hash, ChunkLocation> prefixAt = new HashMap<>();

  void add(Hash id, Target t) {
    List<Target> ts = targets.get(id);
    if (ts == null) {
      ts = new ArrayList<>();
      targets.put(id, ts);
      order.add(id);
    }
    ts.add(t);
  }

  /** The tree paths still waiting for any of {@code ids}, sorted, without repeats. */
  java.util.SortedSet<String> pathsNeeding(java.util.Collection<Hash> ids) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (Hash id : ids) {
      List<Target> ts = targets.get(id);
      if (ts != null) {
        for (Target t : ts) {
          out.add(t.path());
        }
      }
    }
    return out;
  }

  /** The bytes of a noted prefix as the live file holds them now, or null (they are verified with the rest). */
  byte[] prefix(Hash id) {
    ChunkLocation l = prefixAt.get(id);
    if (l == null) {
      return null;
    }
    try (FileChannel ch = FileChannel.open(l.file())) {
      ByteBuffer b = ByteBuffer.allocate(l.length());
      while (b.hasRemaining() && ch.read(b, l.offset() + b.position()) >= 0) {
        // keep reading
      }
      return b.hasRemaining() ? null : b.array();
    } catch (IOException e) {
      return null;
    }
  }
}
