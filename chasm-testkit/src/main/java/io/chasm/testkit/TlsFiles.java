package io.chasm.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS certificate for 127.0.0.1, made with the JDK's own {@code keytool} (no other
 * tool needed), as the PEM files a web server reads and the PKCS#12 trust store a client JVM is
 * given ({@code -Djavax.net.ssl.trustStore=...}).
 *
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem its private key, PKCS#8 PEM
 * @param trustStore a PKCS#12 store holding only the certificate, password {@link #TRUST_STORE_PASSWORD}
 */
public record TlsFiles(Path certificatePem, Path privateKeyPem, Path trustStore) {
  public static final String TRUST_STORE_PASSWORD = "changeit";
  private static final char[] PASSWORD = TRUST_STORE_PASSWORD.toCharArray();

  /** Makes the files in {@code dir} (created if missing); valid for two days. */
  public static TlsFiles selfSigned(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
    Files.createDirectories(dir);
    Path keys = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "web", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keys.toString(), "-storepass", TRUST_STORE_PASSWORD))
        .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("keytool failed: " + Files.readString(dir.resolve("keytool.log")));
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keys)) {
      ks.load(in, PASSWORD);
    }
    Key key = ks.getKey("web", PASSWORD);
    Certificate cert = ks.getCertificate("web");
    TlsFiles f = new TlsFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"), dir.resolve("trust.p12"));
    Files.writeString(f.certificatePem, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
    Files.writeString(f.privateKeyPem, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, PASSWORD);
    trust.setCertificateEntry("web", cert);
    try (OutputStream out = Files.newOutputStream(f.trustStore)) {
      trust.store(out, PASSWORD);
    }
    return f;
  }

  /** The JVM options that make a client trust this certificate (and only it). */
  public List<String> clientJvmOptions() {
    return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + TRUST_STORE_PASSWORD,
        "-Djavax.net.ssl.trustStoreType=PKCS12");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
