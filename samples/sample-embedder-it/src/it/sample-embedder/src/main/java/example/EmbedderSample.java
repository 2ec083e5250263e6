package example;

import io.chasm.api.trust.Signer;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.chunk.ChunkingParams;
import io.chasm.hashtree.index.IndexResult;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.index.TreeVerifier;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Indexes a tree, signs a snapshot of it, verifies the tree against the snapshot, then changes
 * one byte and shows that verification names the changed file. Only public API of chasm-hash-tree.
 */
public final class EmbedderSample {
  private EmbedderSample() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/sample-tree").toAbsolutePath();
    // The index's state lives beside the tree, never in it (and never in $HOME for a demo).
    Path state = dir.resolveSibling(dir.getFileName() + ".chasm-state");
    writeDemoTree(dir);
    Signer origin = Ed25519.generate();
    // Rehashes every byte and names the paths that differ from the signed tree.
    TreeVerifier verifier = new TreeVerifier(TrustPolicy.single(origin.publicKey()), Clock.systemUTC());
    SignedSnapshot snapshot;
    try (TreeIndex index = TreeIndex.open(dir, state, ChunkingParams.DEFAULT)) {
      IndexResult r = index.update();
      snapshot = index.publish("sample", Duration.ofDays(1), origin);
      List<String> differing = verifier.differences(dir, state, snapshot);
      System.out.println("verified " + r.files() + " files, snapshot #"
          + snapshot.snapshot().sequence() + ", root " + r.rootTree() + ", differing " + differing);
    }
    Path victim = dir.resolve("pool/b.bin");
    byte[] bytes = Files.readAllBytes(victim);
    bytes[bytes.length / 2] ^= 1;
    Files.write(victim, bytes);
    System.out.println("after changing one byte of pool/b.bin, differing "
        + verifier.differences(dir, state, snapshot));
    System.out.println("chasm-hash-tree loaded from "
        + TreeIndex.class.getProtectionDomain().getCodeSource().getLocation());
  }

  private static void writeDemoTree(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("pool"));
    Files.writeString(dir.resolve("README"), "a tree indexed by an embedder\n");
    Files.writeString(dir.resolve("pool/a.txt"), "a\n");
    byte[] big = new byte[300_000];  // above the chunk size: a file of several chunks
    new java.util.Random(16).nextBytes(big);
    Files.write(dir.resolve("pool/b.bin"), big);
  }
}
