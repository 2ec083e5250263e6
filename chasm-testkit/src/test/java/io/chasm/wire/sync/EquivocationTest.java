package io.chasm.wire.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.EquivocationException;
import io.chasm.api.trust.TrustPolicy;
import io.chasm.hashtree.index.StateLocation;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.snapshot.EquivocationProof;
import io.chasm.hashtree.snapshot.EquivocationProofs;
import io.chasm.hashtree.snapshot.SignedSnapshot;
import io.chasm.hashtree.snapshot.SnapshotHistory;
import io.chasm.testkit.Trees;
import io.chasm.wire.HeadInfo;
import io.chasm.wire.peer.PeerClient;
import io.chasm.wire.serve.TreeServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin key signs two different snapshots #2 (trees A and B), and two servers serve one each.
 * Every mirror that sees both, directly or through a proof gossiped by a peer, writes the proof,
 * fails the sync with {@link EquivocationException}, and stays on its last good snapshot.
 */
class EquivocationTest {
  static final URI ANY_PORT = URI.create("tcp://127.0.0.1:0");
  @TempDir Path tmp;
  final Ed25519Signer key = Ed25519.generate();
  final TrustPolicy trust = TrustPolicy.single(key.publicKey());

  SyncResult sync(Path dest, URI... from) throws Exception {
    return new SyncEngine(SyncOptions.builder(dest, trust).upstreams(List.of(from)).repository("default").build()).sync();
  }

  static long sequence(Path dest) throws Exception {
    return SnapshotHistory.open(StateLocation.of(dest).resolve("snapshots")).latestSequence();
  }

  static List<Path> proofs(Path dest) throws Exception {
    return EquivocationProofs.in(StateLocation.of(dest)).files();
  }

  @Test
  void twoSignedSnapshotsWithOneSequence_areProven_andNoMirrorMovesToEither() throws Exception {
    Path a = tmp.resolve("origin-a");
    Trees.write(a.resolve("README"), "one\n");
    SignedSnapshot one = Origins.publish(a, "demo", key);
    Path b = tmp.resolve("origin-b");
    Trees.write(b.resolve("README"), "one\n");
    SnapshotHistory.open(Files.createDirectories(StateLocation.of(b).resolve("snapshots"))).append(one);

    Path m1 = tmp.resolve("m1");
    Path m2 = tmp.resolve("m2");
    Path m3 = tmp.resolve("m3");
    try (TreeServer sa = TreeServer.start(a, List.of(ANY_PORT))) {
      URI ua = sa.uris().get(0);
      for (Path m : List.of(m1, m2, m3)) {
        assertThat(sync(m, ua).sequence()).isEqualTo(1);
      }
      Map<String, String> good1 = Trees.listing(m1);

      Trees.write(a.resolve("README"), "two, as A\n");
      Trees.write(b.resolve("README"), "two, as B\n");
      SignedSnapshot twoA = Origins.publish(a, "demo", key);
      SignedSnapshot twoB = Origins.publish(b, "demo", key);
      assertThat(twoB.snapshot().sequence()).isEqualTo(twoA.snapshot().sequence()).isEqualTo(2);
      sa.poll();
      try (TreeServer sb = TreeServer.start(b, List.of(ANY_PORT))) {
        URI ub = sb.uris().get(0);
        // m1 asks both at once.
        assertThatThrownBy(() -> sync(m1, ua, ub)).isInstanceOf(EquivocationException.class)
            .hasMessageContaining("#2").hasMessageContaining("proof written to");
        assertThat(sequence(m1)).isEqualTo(1);
        assertThat(Trees.listing(m1)).isEqualTo(good1);
        assertThat(proofs(m1)).hasSize(1);
        EquivocationProof p = EquivocationProof.decode(Files.readAllBytes(proofs(m1).get(0)));
        p.verify(trust);
        assertThat(List.of(p.first().id(), p.second().id())).containsExactlyInAnyOrder(twoA.id(), twoB.id());
        // Still refused with the honest-looking A alone: the proof stays until an operator acts.
        assertThatThrownBy(() -> sync(m1, ua)).isInstanceOf(EquivocationException.class);
        assertThat(sequence(m1)).isEqualTo(1);

        // m2 takes A's #2 first, then meets B's.
        assertThat(sync(m2, ua).sequence()).isEqualTo(2);
        Map<String, String> good2 = Trees.listing(m2);
        assertThatThrownBy(() -> sync(m2, ub)).isInstanceOf(EquivocationException.class);
        assertThat(sequence(m2)).isEqualTo(2);
        assertThat(Trees.listing(m2)).isEqualTo(good2).isEqualTo(Trees.listing(a));
        assertThat(proofs(m2)).hasSize(1);
        assertThat(Files.readAllBytes(proofs(m2).get(0))).isEqualTo(Files.readAllBytes(proofs(m1).get(0)));

        // m3 never talks to B: m2 keeps serving its last good snapshot and gossips the proof.
        try (TreeServer s2 = TreeServer.start(m2, List.of(ANY_PORT))) {
          URI u2 = s2.uris().get(0);
          try (PeerClient c = PeerClient.connect(u2)) {
            HeadInfo h = PeerClient.await(c.headInfo("default", null)).orElseThrow();
            assertThat(SignedSnapshot.decode(h.envelope()).id()).isEqualTo(twoA.id());
            assertThat(h.proofs()).hasSize(1);
          }
          assertThatThrownBy(() -> sync(m3, u2)).isInstanceOf(EquivocationException.class).hasMessageContaining("gossiped by");
          assertThat(sequence(m3)).isEqualTo(1);
          assertThat(proofs(m3)).hasSize(1);
        }
      }
    }
  }

  @Test
  void aForgedProof_isIgnored() throws Exception {
    Path a = tmp.resolve("origin");
    Trees.write(a.resolve("README"), "one\n");
    Origins.publish(a, "demo", key);
    Path m = tmp.resolve("m");
    Ed25519Signer other = Ed25519.generate();
    // A proof signed by a key this mirror does not trust, planted where a server hands it out.
    Path x = tmp.resolve("x");
    Path y = tmp.resolve("y");
    Trees.write(x.resolve("f"), "x");
    Trees.write(y.resolve("f"), "y");
    EquivocationProof forged = EquivocationProof.of(Origins.publish(x, "demo", other), Origins.publish(y, "demo", other)).orElseThrow();
    EquivocationProofs.in(StateLocation.of(a)).write(forged);
    try (TreeServer sa = TreeServer.start(a, List.of(ANY_PORT))) {
      assertThat(sync(m, sa.uris().get(0)).sequence()).isEqualTo(1);
    }
    assertThat(proofs(m)).isEmpty();
  }

  @Test
  void aServerThatKnowsTheKey_recordsTheConflictingHeadAClientSays_itHolds() throws Exception {
    Path a = tmp.resolve("origin-a");
    Path b = tmp.resolve("origin-b");
    Trees.write(a.resolve("README"), "A\n");
    Trees.write(b.resolve("README"), "B\n");
    Origins.publish(a, "demo", key);
    Origins.publish(b, "demo", key);
    SignedSnapshot twoA = Origins.publish(a, "demo", key);
    SignedSnapshot twoB = Origins.publish(b, "demo", key);
    try (io.chasm.wire.serve.OracleBackend oracle = new io.chasm.wire.serve.OracleBackend(b, java.util.Set.of("default"), true, trust);
        io.chasm.wire.peer.PeerServer server = io.chasm.wire.peer.PeerServer.builder(oracle).build()) {
      oracle.refresh();
      URI u = server.listen(ANY_PORT);
      try (PeerClient c = PeerClient.connect(u)) {
        HeadInfo first = PeerClient.await(c.headInfo("default", twoA.encode())).orElseThrow();
        assertThat(SignedSnapshot.decode(first.envelope()).id()).as("the reply is unchanged").isEqualTo(twoB.id());
        assertThat(proofs(b)).hasSize(1);
        HeadInfo next = PeerClient.await(c.headInfo("default", null)).orElseThrow();
        assertThat(next.proofs()).hasSize(1);
        EquivocationProof.decode(next.proofs().get(0)).verify(trust);
        // A head it cannot verify proves nothing and is not recorded.
        Path x = tmp.resolve("x");
        Trees.write(x.resolve("f"), "x");
        Origins.publish(x, "demo", Ed25519.generate());
        SignedSnapshot forged = Origins.publish(x, "demo", Ed25519.generate());
        assertThat(PeerClient.await(c.headInfo("default", forged.encode()))).isPresent();
        assertThat(proofs(b)).hasSize(1);
      }
    }
  }
}
