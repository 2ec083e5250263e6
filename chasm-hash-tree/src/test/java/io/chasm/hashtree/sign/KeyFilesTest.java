package io.chasm.hashtree.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir Path dir;

  @Test
  void writeKeyPair_roundTripsWithMode0600() throws Exception {
    Ed25519Signer s = Ed25519.generate();
    Path key = dir.resolve("KEY");
    KeyFiles.writeKeyPair(key, s);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    Ed25519Signer back = KeyFiles.readSigner(key);
    assertThat(back.publicKey()).isEqualTo(s.publicKey());
    assertThat(KeyFiles.readPublicKey(dir.resolve("KEY.pub"))).isEqualTo(s.publicKey());
    assertThat(Files.readString(dir.resolve("KEY.pub")).strip()).isEqualTo(s.publicKey().toText());
    byte[] msg = {1, 2, 3};
    Ed25519.verifier().verify(s.publicKey(), msg, back.sign(msg));
  }

  @Test
  void writeKeyPair_existingFile_refusesAndKeepsIt() throws Exception {
    Path key = dir.resolve("KEY");
    Files.writeString(key, "precious");
    assertThatThrownBy(() -> KeyFiles.writeKeyPair(key, Ed25519.generate()))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(key)).isEqualTo("precious");
  }

  @Test
  void readSigner_missing_namesPath() {
    Path key = dir.resolve("nope");
    assertThatThrownBy(() -> KeyFiles.readSigner(key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(key.toString())
        .hasMessageContaining("not found")
        .hasMessageContaining("create a key pair with `chasm keygen --out " + key + "`");
  }

  @Test
  void readPublicKey_missing_saysWhereOneComesFrom() {
    Path pub = dir.resolve("origin.key.pub");
    assertThatThrownBy(() -> KeyFiles.readPublicKey(pub))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(pub + ": public key file not found; copy the origin's KEY.pub here");
  }

  @Test
  void readSigner_publicKeyFileGiven_saysSo() throws Exception {
    Path key = dir.resolve("KEY");
    KeyFiles.writeKeyPair(key, Ed25519.generate());
    assertThatThrownBy(() -> KeyFiles.readSigner(dir.resolve("KEY.pub")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("public key file");
    assertThatThrownBy(() -> KeyFiles.readPublicKey(key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("private key file");
  }

  @Test
  void readSigner_damagedSeed_detectedWithoutLeakingIt() throws Exception {
    Path key = dir.resolve("KEY");
    KeyFiles.writeKeyPair(key, Ed25519.generate());
    String text = Files.readString(key);
    int at = text.indexOf("ed25519:") + 8;
    char c = text.charAt(at) == '0' ? '1' : '0';
    String damaged = text.substring(0, at) + c + text.substring(at + 1);
    Files.writeString(key, damaged, StandardCharsets.UTF_8);
    String seedHex = damaged.substring(at, at + 64);
    assertThatThrownBy(() -> KeyFiles.readSigner(key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not match")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(seedHex));
  }

  @Test
  void readSigner_garbage_clearError() throws Exception {
    Path key = dir.resolve("KEY");
    Files.writeString(key, "hello\n");
    assertThatThrownBy(() -> KeyFiles.readSigner(key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a CHASM private key");
    Path pub = dir.resolve("x.pub");
    Files.writeString(pub, "ed25519:zz\n");
    assertThatThrownBy(() -> KeyFiles.readPublicKey(pub))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(pub.toString());
  }

  @Test
  void readTrustPolicy_twoOfTwo_namesBadFileAndRejectsImpossibleThreshold() throws Exception {
    Path a = dir.resolve("a.key");
    Path b = dir.resolve("b.key");
    KeyFiles.writeKeyPair(a, Ed25519.generate());
    KeyFiles.writeKeyPair(b, Ed25519.generate());
    var policy = KeyFiles.readTrustPolicy(java.util.List.of(KeyFiles.publicKeyFile(a), KeyFiles.publicKeyFile(b)), 2);
    assertThat(policy.threshold()).isEqualTo(2);
    assertThat(policy.keys()).hasSize(2);
    assertThatThrownBy(() -> KeyFiles.readTrustPolicy(java.util.List.of(KeyFiles.publicKeyFile(a)), 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold");
    assertThatThrownBy(() -> KeyFiles.readTrustPolicy(java.util.List.of(a), 1))
        .isInstanceOf(IOException.class).hasMessageContaining(a.toString());
  }
}
