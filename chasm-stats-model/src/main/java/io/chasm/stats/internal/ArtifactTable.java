package io.chasm.stats.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

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

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class,
          java.nio.ByteOrder.LITTLE_ENDIAN);

  /** A hash of b[s,e) for tables and caches (never stored): eight bytes per multiply. */
  public static int hash(byte[] b, int s, int e) {
    long h = 0x9E3779B97F4A7C15L ^ (e - s);
    int i = s;
    for (; i + 8 <= e; i += 8) {
      h = Long.rotateLeft((h ^ (long) LONGS.get(b, i)) * 0xC2B2AE3D27D4EB4FL, 29);
    }
    long t = 0;
    for (int k = 0; i < e; i++, k += 8) {
      t |= (b[i] & 0xffL) << k;
    }
    h = (h ^ t) * 0x165667B19E3779F9L;
    h ^= h >>> 32;
    h *= 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29));
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
      // Most paths are ASCII: no decoder needed (and one reused decoder for the rest).
      names[id] = ascii(key) ? new String(key, StandardCharsets.ISO_8859_1)
          : utf8.reset().decode(ByteBuffer.wrap(key)).toString();
    } catch (CharacterCodingException ex) {
      invalid[id] = true;
      names[id] = "";
    }
    if (size * 2 > keys.length) {
      grow();
    }
    return id;
  }

  private static boolean ascii(byte[] k) {
    for (byte x : k) {
      if (x < 0) {
        return false;
      }
    }
    return true;
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
