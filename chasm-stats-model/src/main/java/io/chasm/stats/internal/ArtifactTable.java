package io.chasm.stats.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interns normalised artifact paths given as bytes: a line costs a hash and a compare, and a
 * String is made once per distinct artifact. Open addressing over parallel arrays.
 */
public final class ArtifactTable {
  private byte[][] keys = new byte[1024][];
  private int[] ids = new int[1024];
  private String[] names = new String[256];
  private boolean[] invalid = new boolean[256];
  private int size;

  public int size() {
    return size;
  }

  public String name(int id) {
    return names[id];
  }

  /** True when the bytes of that artifact are not valid UTF-8. */
  public boolean invalid(int id) {
    return invalid[id];
  }

  public static int hash(byte[] b, int s, int e) {
    int h = 0x9E3779B9;
    for (int i = s; i < e; i++) {
      h = (h ^ b[i]) * 0x01000193;
    }
    return h ^ (h >>> 15);
  }

  /** The id of {@code b[s,e)}, adding it when new. */
  public int intern(byte[] b, int s, int e) {
    int h = hash(b, s, e);
    int mask = keys.length - 1;
    int i = h & mask;
    while (true) {
      byte[] k = keys[i];
      if (k == null) {
        break;
      }
      if (k.length == e - s && Arrays.equals(k, 0, k.length, b, s, e)) {
        return ids[i];
      }
      i = (i + 1) & mask;
    }
    byte[] key = Arrays.copyOfRange(b, s, e);
    int id = size++;
    keys[i] = key;
    ids[i] = id;
    if (id == names.length) {
      names = Arrays.copyOf(names, id * 2);
      invalid = Arrays.copyOf(invalid, id * 2);
    }
    try {
      names[id] = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(key)).toString();
    } catch (CharacterCodingException ex) {
      invalid[id] = true;
      names[id] = "";
    }
    if (size * 2 > keys.length) {
      grow();
    }
    return id;
  }

  private void grow() {
    byte[][] ok = keys;
    int[] oi = ids;
    keys = new byte[ok.length * 2][];
    ids = new int[ok.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < ok.length; j++) {
      if (ok[j] != null) {
        int i = hash(ok[j], 0, ok[j].length) & mask;
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = ok[j];
        ids[i] = oi[j];
      }
    }
  }
}
