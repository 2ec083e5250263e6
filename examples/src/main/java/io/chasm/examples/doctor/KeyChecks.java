package io.chasm.examples.doctor;

import io.chasm.examples.config.Settings;
import io.chasm.examples.config.ValueChecks;
import io.chasm.hashtree.sign.KeyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Private keys exist, parse and are readable by their owner only; public keys exist and parse. */
final class KeyChecks {
  private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  private KeyChecks() {}

  static List<Finding> run(Settings s) {
    List<Finding> out = new ArrayList<>();
    for (String key : List.of("oracle.key", "peer.identity")) {
      if (s.isSet(key)) {
        out.add(privateKey(key, Path.of(s.get(key))));
      }
    }
    for (String key : List.of("fetcher.trust", "peer.allow")) {
      for (String p : ValueChecks.list(s.get(key))) {
        out.add(publicKey(key, Path.of(p)));
      }
    }
    return out;
  }

  static Finding privateKey(String key, Path file) {
    String check = "key " + key;
    if (!Files.isRegularFile(file)) {
      return Finding.fail(check, file + " does not exist", "create it with chasm keygen --out " + file + ", or fix " + key);
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      Set<PosixFilePermission> exposed = EnumSet.noneOf(PosixFilePermission.class);
      exposed.addAll(perms);
      exposed.retainAll(OTHERS);
      if (!exposed.isEmpty()) {
        return Finding.fail(check, file + " is readable or writable by others (" + java.nio.file.attribute.PosixFilePermissions.toString(perms) + ")",
            "chmod 600 " + file + " (and chown it to the daemon's user)");
      }
      KeyFiles.readSigner(file);
      return Finding.ok(check, file + " is a private key readable by its owner only");
    } catch (IOException | RuntimeException e) {
      return Finding.fail(check, file + " cannot be read as a private key: " + e.getMessage(),
          "run doctor as the daemon's user, or regenerate it with chasm keygen --out " + file);
    }
  }

  static Finding publicKey(String key, Path file) {
    String check = "key " + key;
    try {
      return Finding.ok(check, file + " is a public key (" + KeyFiles.readPublicKey(file).keyId() + ")");
    } catch (IOException | RuntimeException e) {
      return Finding.fail(check, file + " is not a readable public key: " + e.getMessage(),
          "copy the .pub file that chasm keygen wrote next to the private key to " + file);
    }
  }
}
