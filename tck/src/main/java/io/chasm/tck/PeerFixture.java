package io.chasm.tck;

import io.chasm.api.Hash;
import io.chasm.api.ObjectId;
import io.chasm.hashtree.chunk.Chunk;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.Snapshot;
import io.chasm.hashtree.tree.Tree;
import io.chasm.hashtree.tree.TreeEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The repository a server under test must serve for {@link PeerServerVerification}: one signed
 * head, a root tree, a file manifest and its chunks (one incompressible, one highly compressible,
 * one tiny). Real, canonical objects built with the hash-tree module, signed with the RFC 8032
 * TEST 1 key, so an implementation that verifies what it serves accepts them too.
 */
public final class PeerFixture {
  /** The repository name the server must serve the fixture under. */
  public static final String REPOSITORY = "tck";

  /** RFC 8032 §7.1 TEST 1 private key seed: the fixture's origin key (public test key). */
  public static final byte[] ORIGIN_SEED = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

  private final byte[] head;
  private final byte[] nextHead;
  private final Map<ObjectId, byte[]> objects = new LinkedHashMap<>();
  private final Map<Hash, byte[]> chunks = new LinkedHashMap<>();
  private final ObjectId root;
  private final ObjectId file;

  private PeerFixture() throws Exception {
    Random rnd = new Random(20261126);
    byte[] noise = new byte[100_000];
    rnd.nextBytes(noise);
    byte[] text = "Package: chasm\nVersion: 1.0\nArchitecture: amd64\n\n".repeat(2000).getBytes(StandardCharsets.UTF_8);
    byte[] tiny = "end\n".getBytes(StandardCharsets.UTF_8);
    List<Chunk> list = new ArrayList<>();
    long offset = 0;
    for (byte[] c : List.of(noise, text, tiny)) {
      Hash id = Hash.sha256(c);
      chunks.put(id, c);
      list.add(new Chunk(offset, c.length, id));
      offset += c.length;
    }
    FileManifest manifest = FileManifest.of(list);
    Tree tree = Tree.of(List.of(TreeEntry.file("pool.bin", offset, false, manifest.id())));
    file = manifest.id();
    root = tree.id();
    objects.put(file, manifest.encode());
    objects.put(root, tree.encode());
    Ed25519Signer origin = Ed25519.signer(ORIGIN_SEED);
    Snapshot first = Snapshot.first("tck-origin", root).build();
    head = SignedSnapshot.sign(first, origin).encode();
    nextHead = first.next(root).sign(origin).encode();
  }

  /** A fresh fixture (heads carry the current time, so create one per server). */
  public static PeerFixture create() {
    try {
      return new PeerFixture();
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the TCK fixture", e);
    }
  }

  /** The signed envelope the server must answer GetHead with. */
  public byte[] head() {
    return head.clone();
  }

  /** A second envelope (sequence 2) for the subscription test to publish. */
  public byte[] nextHead() {
    return nextHead.clone();
  }

  /** Trees and file manifests by id (canonical encodings). */
  public Map<ObjectId, byte[]> objects() {
    return Map.copyOf(objects);
  }

  /** Chunks by id (SHA-256 of their bytes), in file order. */
  public Map<Hash, byte[]> chunks() {
    return new LinkedHashMap<>(chunks);
  }

  public ObjectId rootTree() {
    return root;
  }

  public ObjectId fileManifest() {
    return file;
  }

  /** The chunk ids in file order. */
  public List<Hash> chunkIds() {
    return List.copyOf(chunks.keySet());
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
