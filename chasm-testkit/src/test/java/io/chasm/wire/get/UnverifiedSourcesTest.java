package io.chasm.wire.get;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.ChasmException;
import io.chasm.api.Hash;
import io.chasm.api.MissingContentException;
import io.chasm.api.ObjectId;
import io.chasm.api.VerificationException;
import io.chasm.api.source.ChunkReceiver;
import io.chasm.api.source.ChunkSource;
import io.chasm.hashtree.merkle.FileManifest;
import io.chasm.testkit.Origin;
import io.chasm.testkit.Trees;
import io.chasm.wire.ClientOptions;
import io.chasm.wire.MirrorSource;
import io.chasm.wire.serve.PublishedTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VerifiedDownload} with sources that check nothing themselves (as a plain web mirror):
 * every object and chunk must be checked by the download, and a lying source changes nothing.
 */
class UnverifiedSourcesTest {
  static final String FILE = "pool/a/data.bin";

  @TempDir Path tmp;
  Origin origin;
  Path tree;
  PublishedTree published;
  Path out;

  @BeforeEach
  void publish() throws Exception {
    origin = Origin.create(tmp);
    tree = tmp.resolve("origin");
    Files.createDirectories(tree.resolve("pool/a"));
    byte[] data = Trees.random(5, 1_500_000);
    System.arraycopy(data, 0, data, 800_000, 300_000); // a repeated stretch: some chunk ids twice
    Files.write(tree.resolve(FILE), data);
    origin.publish(tree, "demo");
    published = PublishedTree.open(tree, Set.of("default"));
    out = tmp.resolve("out.bin");
  }

  @AfterEach
  void close() throws IOException {
    published.close();
  }

  @Test
  void honestUnverifiedSource_fileCorrect() throws Exception {
    Download d = VerifiedDownload.fromSources(List.of(new Plain("plain", published, b -> b, false)))
        .trust(origin.trust()).get(FILE, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tree.resolve(FILE)));
    assertThat(d.dropped()).isEmpty();
  }

  @Test
  void lyingChunks_refusedWithEvidence_honestOneDelivers() throws Exception {
    Plain liar = new Plain("liar", published, b -> { b[0] ^= 1; return b; }, false);
    Download d = VerifiedDownload.fromSources(List.of(liar, new Plain("honest", published, b -> b, false)))
        .trust(origin.trust()).get(FILE, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tree.resolve(FILE)));
    assertThat(d.dropped()).singleElement().asString().startsWith("liar: refused: HashMismatchException")
        .contains("expected ").contains("received ");
  }

  @Test
  void lyingChunks_onlySource_verificationFails_nothingWritten() throws Exception {
    Plain liar = new Plain("liar", published, b -> { b[0] ^= 1; return b; }, false);
    assertThatThrownBy(() -> VerifiedDownload.fromSources(List.of(liar)).trust(origin.trust()).get(FILE, out))
        .isInstanceOf(VerificationException.class).hasMessageContaining("could not be fetched");
    assertThat(Files.exists(out)).isFalse();
    assertThat(tmp).isDirectoryNotContaining("glob:**/.out.bin*");
  }

  @Test
  void lyingObjects_refused() {
    Plain liar = new Plain("liar", published, b -> b, true);
    assertThatThrownBy(() -> VerifiedDownload.fromSources(List.of(liar)).trust(origin.trust()).get(FILE, out))
        .isInstanceOf(VerificationException.class).hasMessageContaining("liar: refused");
  }

  @Test
  void noSourceHoldsTheChunks_missingContent() {
    Plain empty = new Plain("empty", published, b -> null, false);
    assertThatThrownBy(() -> VerifiedDownload.fromSources(List.of(empty)).trust(origin.trust()).get(FILE, out))
        .isInstanceOf(MissingContentException.class).hasMessageContaining("could not be fetched from any source");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void aSourceThatCannotStartABatch_isDropped_theOtherDelivers() throws Exception {
    Plain broken = new Plain("broken", published, b -> b, false);
    MirrorSource closed = new MirrorSource() {
      @Override
      public String name() {
        return "closed";
      }

      @Override
      public CompletableFuture<Optional<byte[]>> head(String repository) {
        return broken.head(repository);
      }

      @Override
      public CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, List<ObjectId> ids) {
        return broken.objects(repository, ids);
      }

      @Override
      public ChunkSource chunks(String repository, String path, FileManifest manifest) {
        return new ChunkSource() {
          @Override
          public String name() {
            return "closed";
          }

          @Override
          public CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver) {
            throw new IllegalStateException("connection closed");
          }
        };
      }

      @Override
      public void close() {}
    };
    Download d = VerifiedDownload.fromSources(List.of(closed, new Plain("honest", published, b -> b, false)))
        .trust(origin.trust()).get(FILE, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tree.resolve(FILE)));
    assertThat(d.dropped()).singleElement().asString().startsWith("closed: dropped: IllegalStateException");
  }

  /** The old get scheduler waited for a batch forever; the shared one asks others after the request timeout. */
  @Test
  @Timeout(60)
  void aSourceThatNeverAnswers_itsChunksComeFromTheOther() throws Exception {
    Plain honest = new Plain("honest", published, b -> b, false);
    MirrorSource silent = new Delegating("silent", honest) {
      @Override
      public ChunkSource chunks(String repository, String path, FileManifest manifest) {
        return new ChunkSource() {
          @Override
          public String name() {
            return "silent";
          }

          @Override
          public CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver) {
            return new CompletableFuture<>();
          }
        };
      }
    };
    Download d = VerifiedDownload.fromSources(List.of(silent, honest)).trust(origin.trust())
        .options(ClientOptions.defaults().withStallTimeout(Duration.ofSeconds(3))).get(FILE, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tree.resolve(FILE)));
    assertThat(d.bytesBySource()).containsOnlyKeys("honest");
  }

  /** Heads and objects from {@code inner}, under another name. */
  abstract static class Delegating implements MirrorSource {
    private final String name;
    private final MirrorSource inner;

    Delegating(String name, MirrorSource inner) {
      this.name = name;
      this.inner = inner;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public CompletableFuture<Optional<byte[]>> head(String repository) {
      return inner.head(repository);
    }

    @Override
    public CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, List<ObjectId> ids) {
      return inner.objects(repository, ids);
    }

    @Override
    public void close() {}
  }

  /** Serves a published tree in memory; chunks through {@code chunks} (null = not held), objects optionally broken. */
  record Plain(String name, PublishedTree tree, UnaryOperator<byte[]> chunks, boolean breakObjects) implements MirrorSource {
    @Override
    public CompletableFuture<Optional<byte[]>> head(String repository) {
      return CompletableFuture.completedFuture(tree.head(repository));
    }

    @Override
    public CompletableFuture<Map<ObjectId, byte[]>> objects(String repository, List<ObjectId> ids) {
      Map<ObjectId, byte[]> m = new LinkedHashMap<>();
      try {
        for (ObjectId id : ids) {
          tree.object(repository, id).ifPresent(b -> {
            if (breakObjects) {
              b[b.length - 1] ^= 1;
            }
            m.put(id, b);
          });
        }
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
      return CompletableFuture.completedFuture(m);
    }

    @Override
    public ChunkSource chunks(String repository, String path, FileManifest manifest) {
      return new ChunkSource() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public CompletableFuture<Void> fetch(List<Hash> ids, ChunkReceiver receiver) {
          return CompletableFuture.runAsync(() -> {
            try {
              for (Hash id : ids) {
                byte[] b = tree.chunk(repository, id).map(chunks).orElse(null);
                if (b == null) {
                  receiver.notHeld(id);
                } else {
                  receiver.chunk(id, b);
                }
              }
            } catch (IOException | ChasmException e) {
              throw new java.util.concurrent.CompletionException(e);
            }
          });
        }
      };
    }

    @Override
    public void close() {}
  }
}
