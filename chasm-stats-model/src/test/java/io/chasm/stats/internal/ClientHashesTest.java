package io.chasm.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.stats.Window;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ClientHashesTest {
  // Independent implementations: Bouncy Castle's SipHash-2-4 for a 128-bit secret, the JDK's
  // HMAC-SHA256 for a 256-bit one (a window an earlier release opened).
  private static long expected(byte[] secret, byte[] addr) throws Exception {
    long v;
    if (secret.length == 16) {
      org.bouncycastle.crypto.macs.SipHash sip = new org.bouncycastle.crypto.macs.SipHash(2, 4);
      sip.init(new org.bouncycastle.crypto.params.KeyParameter(secret));
      sip.update(addr, 0, addr.length);
      v = sip.doFinal();
    } else {
      assertThat(secret).hasSize(32);
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret, "HmacSHA256"));
      v = ByteBuffer.wrap(m.doFinal(addr)).getLong();
    }
    return v == 0 ? 1 : v;
  }

  // Re-keying must never change a result: repeats, days switching back and forth (and with them
  // weeks and months), many distinct addresses, long addresses; each window's value under that
  // window's own secret.
  @Test
  void hashes_equalTheKeyedMac() throws Exception {
    PeriodSecrets secrets = new PeriodSecrets(0);
    secrets.seed(new byte[32]);
    check(secrets, new ClientHashes(secrets));
  }

  // A step an earlier release began, redone: its windows get that release's 256-bit HMAC keys;
  // windows opened by later steps get SipHash keys; both kinds side by side in one cache.
  @Test
  void legacySecrets_keepTheirHmac() throws Exception {
    PeriodSecrets secrets = new PeriodSecrets(0);
    secrets.seed(new byte[32], true);
    ClientHashes h = new ClientHashes(secrets);
    byte[] a = "192.0.2.1".getBytes(StandardCharsets.US_ASCII);
    h.of(19_720, Window.WEEK.indexOfDay(19_720), Window.MONTH.indexOfDay(19_720), a, 0, a.length);
    assertThat(secrets.secret(19_720)).hasSize(32);
    assertThat(h.day).isEqualTo(expected(secrets.secret(19_720), a));
    secrets.seed(new byte[32], false);
    assertThat(secrets.secret(19_725)).hasSize(16);
    assertThat(secrets.secret(19_720)).hasSize(32);
    check(secrets, new ClientHashes(secrets));
  }

  private static void check(PeriodSecrets secrets, ClientHashes h) throws Exception {
    Random rnd = new Random(7);
    byte[] buf = new byte[200];
    for (int i = 0; i < 400_000; i++) {
      // Days 19_720.. cross a week (19_723 is a Monday) and a month boundary (19_724 = 2024-01-01).
      long day = 19_720 + (i / 60_000) + (rnd.nextInt(50) == 0 ? 1 : 0);
      long week = Window.WEEK.indexOfDay(day);
      long month = Window.MONTH.indexOfDay(day);
      String a = rnd.nextInt(1000) == 0 ? "host-" + "x".repeat(70) + rnd.nextInt(10)
          : "10." + rnd.nextInt(4) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256);
      byte[] addr = a.getBytes(StandardCharsets.US_ASCII);
      int off = rnd.nextInt(50);
      System.arraycopy(addr, 0, buf, off, addr.length);
      h.of(day, week, month, buf, off, off + addr.length);
      if (i % 97 == 0 || h.day == 0 || h.week == 0 || h.month == 0) {
        assertThat(h.day).as("address %s day %d", a, day).isEqualTo(expected(secrets.secret(day), addr));
        assertThat(h.week).as("address %s week %d", a, week)
            .isEqualTo(expected(secrets.secret(Window.WEEK, week), addr));
        assertThat(h.month).as("address %s month %d", a, month)
            .isEqualTo(expected(secrets.secret(Window.MONTH, month), addr));
      }
    }
  }

  @Test
  void closedDay_hashesToZero() {
    PeriodSecrets secrets = new PeriodSecrets(10);
    secrets.seed(new byte[32]);
    byte[] a = "192.0.2.1".getBytes(StandardCharsets.US_ASCII);
    ClientHashes h = new ClientHashes(secrets);
    h.of(9, Window.WEEK.indexOfDay(9), Window.MONTH.indexOfDay(9), a, 0, a.length);
    assertThat(h.day).isZero();
  }

  // A window closing mid-run: what was remembered under its secret is not handed out again.
  @Test
  void windowClosing_dropsItsCachedHashes() {
    PeriodSecrets secrets = new PeriodSecrets(0);
    secrets.seed(new byte[32]);
    byte[] a = "192.0.2.1".getBytes(StandardCharsets.US_ASCII);
    ClientHashes h = new ClientHashes(secrets);
    h.of(20, Window.WEEK.indexOfDay(20), Window.MONTH.indexOfDay(20), a, 0, a.length);
    assertThat(h.day).isNotZero();
    secrets.closeBefore(21);
    h.of(20, Window.WEEK.indexOfDay(20), Window.MONTH.indexOfDay(20), a, 0, a.length);
    assertThat(h.day).isZero();
  }
}
