package io.chasm.testkit;

import io.chasm.api.CorruptObjectException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.sign.KeyFiles;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An origin's signing key, on disk as {@code chasm keygen} writes it, and the publishing of a tree
 * as {@code chasm publish} does it: index the tree into its state directory ({@code StateLocation.of(TREE)}), then sign and store
 * the next snapshot.
 */
public final class Origin {
  private final Path keyFile;
  private final Ed25519Signer signer;

  private Origin(Path keyFile, Ed25519Signer signer) {
    this.keyFile = keyFile;
    this.signer = signer;
  }

  /** A new key pair in {@code dir/origin.key} and {@code dir/origin.key.pub}. */
  public static Origin create(Path dir) throws IOException {
    Ed25519Signer signer = Ed25519.generate();
    Path key = dir.resolve("origin.key");
    KeyFiles.writeKeyPair(key, signer);
    return new Origin(key, signer);
  }

  /** The private key file (what {@code --key} takes). */
  public Path keyFile() {
    return keyFile;
  }

  /** The public key file (what {@code --trust} takes). */
  public Path publicKeyFile() {
    return KeyFiles.publicKeyFile(keyFile);
  }

  public Ed25519Signer signer() {
    return signer;
  }

  /** Trust in exactly this origin's key. */
  public TrustPolicy trust() {
    return TrustPolicy.single(signer.publicKey());
  }

  /** Publishes the first snapshot of {@code tree} as repository {@code name}, or the next one. */
  public SignedSnapshot publish(Path tree, String name) throws IOException, CorruptObjectException {
    return publish(tree, name, SnapshotBuilder.DEFAULT_VALIDITY);
  }

  /** Publishes the next snapshot of {@code tree}; a first one is named after the directory. */
  public SignedSnapshot publish(Path tree) throws IOException, CorruptObjectException {
    Path name = tree.toAbsolutePath().normalize().getFileName();
    return publish(tree, name == null ? "root" : name.toString());
  }

  public SignedSnapshot publish(Path tree, String name, Duration validity) throws IOException, CorruptObjectException {
    try (TreeIndex index = TreeIndex.open(tree)) {
      index.update();
      return index.publish(name, validity, signer);
    }
  }
}
