package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ClientHasherTest {
  private static long expected(byte[] secret, byte[] addr) throws Exception {
    Mac m = Mac.getInstance("HmacSHA256");
    m.init(new SecretKeySpec(secret, "HmacSHA256"));
    long v = ByteBuffer.wrap(m.doFinal(addr)).getLong();
    return v == 0 ? 1 : v;
  }

  // The cache must never change a result: repeats, days switching back and forth, more distinct
  // addresses than it holds (it empties and refills), and addresses too long to cache.
  @Test
  void cachedHashes_equalTheKeyedMac() throws Exception {
    PeriodSecrets secrets = new PeriodSecrets(0);
    secrets.seed(new byte[32]);
    check(secrets, new ClientHasher(secrets));
  }

  // A small cache fills many times a day: every refill must give the same results.
  @Test
  void smallCache_equalsTheKeyedMac() throws Exception {
    PeriodSecrets secrets = new PeriodSecrets(0);
    secrets.seed(new byte[32]);
    check(secrets, new ClientHasher(secrets, 8));
  }

  private static void check(PeriodSecrets secrets, ClientHasher h) throws Exception {
    Random rnd = new Random(7);
    byte[] buf = new byte[200];
    for (int i = 0; i < 400_000; i++) {
      long day = 100 + (i / 150_000) + (rnd.nextInt(50) == 0 ? 1 : 0);
      String a = rnd.nextInt(1000) == 0 ? "host-" + "x".repeat(70) + rnd.nextInt(10)
          : "10." + rnd.nextInt(4) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256);
      byte[] addr = a.getBytes(StandardCharsets.US_ASCII);
      int off = rnd.nextInt(50);
      System.arraycopy(addr, 0, buf, off, addr.length);
      long got = h.hash(day, buf, off, off + addr.length);
      if (i % 97 == 0 || got == 0) {
        assertThat(got).as("address %s day %d", a, day).isEqualTo(expected(secrets.secret(day), addr));
      }
    }
  }

  @Test
  void closedDay_hashesToZero() {
    PeriodSecrets secrets = new PeriodSecrets(10);
    secrets.seed(new byte[32]);
    byte[] a = "192.0.2.1".getBytes(StandardCharsets.US_ASCII);
    assertThat(new ClientHasher(secrets).hash(9, a, 0, a.length)).isZero();
  }
}
