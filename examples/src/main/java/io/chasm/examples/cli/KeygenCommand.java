package io.chasm.examples.cli;

import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.sign.Ed25519;
import io.chasm.hashtree.sign.Ed25519Signer;
import io.chasm.hashtree.sign.KeyFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chasm keygen --out KEY}: a new Ed25519 key pair in KEY (mode 0600) and KEY.pub. */
@Command(
    name = "keygen",
    description = "Generate an Ed25519 key pair: KEY (private, mode 0600) and KEY.pub.")
public final class KeygenCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "KEY", description = "private key file to create")
  Path out;

  @Option(names = "--json", description = "print the files written and the key as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Ed25519Signer signer = Ed25519.generate();
    KeyFiles.writeKeyPair(out, signer);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("private_key_file", out.toString());
      m.put("public_key_file", KeyFiles.publicKeyFile(out).toString());
      m.put("public_key", signer.publicKey().toText());
      m.put("key_id", signer.publicKey().keyId().toString());
      System.out.println(StateOptions.json(m));
      return ExitCodes.OK;
    }
    System.out.println("wrote " + out + " and " + KeyFiles.publicKeyFile(out));
    System.out.println("public key " + signer.publicKey().toText());
    System.out.println("key id     " + signer.publicKey().keyId());
    return ExitCodes.OK;
  }
}
