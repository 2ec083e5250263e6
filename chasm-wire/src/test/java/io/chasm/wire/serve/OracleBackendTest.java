package io.chasm.wire.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.VerificationException;
import io.chasm.api.trust.Signer;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.TreeIndex;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OracleBackendTest {
  @TempDir Path tree;
  private final Signer key = Ed25519.generate();

  private SignedSnapshot publish(String content) throws Exception {
    Files.writeString(tree.resolve("a.txt"), content);
    try (TreeIndex index = TreeIndex.open(tree)) {
      index.update();
      return index.publish("debian", Duration.ofDays(1), key);
    }
  }

  @Test
  void unpublishedTree_servesNothingUntilASnapshotIsRecorded() throws Exception {
    List<List<String>> heads = new CopyOnWriteArrayList<>();
    try (OracleBackend b = new OracleBackend(tree, Set.of("default"), true, null)) {
      b.onNewHead(heads::add);
      assertThat(b.refresh()).isFalse();
      assertThat(b.head("default")).isEmpty();
      assertThat(b.sequence()).isZero();
      assertThat(b.names()).isEmpty();
      io.chasm.api.Hash one = io.chasm.api.Hash.sha256("one".getBytes());
      assertThat(b.chunks("default", List.of(one))).containsExactly(java.util.Optional.empty());

      SignedSnapshot s = publish("one");
      assertThat(b.refresh()).isTrue();
      assertThat(b.refresh()).isFalse();
      assertThat(b.sequence()).isEqualTo(1);
      assertThat(b.names()).containsExactly("debian", "default");
      assertThat(b.head("default")).hasValueSatisfying(env -> assertThat(env).isEqualTo(s.encode()));
      assertThat(heads).containsExactly(List.of("debian", "default"));
      // The batch path serves the live file's chunk, re-hashed, as the single-chunk path does.
      assertThat(b.chunks("default", List.of(one, one)))
          .allSatisfy(c -> assertThat(c).hasValueSatisfying(d -> assertThat(new String(d)).isEqualTo("one")));
      assertThat(b.chunk("default", one)).isPresent();
    }
  }

  @Test
  void announce_loadsTheRecordedSnapshot_andRefusesOneNotRecorded() throws Exception {
    TrustPolicy trust = TrustPolicy.single(key.publicKey());
    try (OracleBackend b = new OracleBackend(tree, Set.of(), true, trust)) {
      SignedSnapshot one = publish("one");
      b.announce("debian", one.encode(), List.of("tcp://mirror:7420"));
      assertThat(b.sequence()).isEqualTo(1);
      assertThat(b.holders("debian", one.snapshot().rootTree().hash())).containsExactly("tcp://mirror:7420");

      SignedSnapshot two = SignedSnapshot.sign(one.snapshot().next(one.snapshot().rootTree()).build(), key);
      assertThatThrownBy(() -> b.announce("debian", two.encode(), List.of()))
          .isInstanceOf(VerificationException.class).hasMessageContaining("is not recorded");

      Signer stranger = Ed25519.generate();
      SignedSnapshot forged = SignedSnapshot.sign(one.snapshot().next(one.snapshot().rootTree()).build(), stranger);
      assertThatThrownBy(() -> b.announce("debian", forged.encode(), List.of()))
          .isInstanceOf(io.chasm.api.ChasmException.class);
    }
  }
}
