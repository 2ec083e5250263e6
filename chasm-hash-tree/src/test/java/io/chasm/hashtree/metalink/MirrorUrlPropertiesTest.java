package io.chasm.hashtree.metalink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** The URL of a file on a mirror: only unreserved characters stay as they are, and decoding gives back every name byte. */
class MirrorUrlPropertiesTest {
  @Property
  void resolve_percentDecodesBackToTheNames(@ForAll @Size(min = 1, max = 5) List<@Size(min = 1, max = 12) List<Byte>> names) {
    byte[][] raw = new byte[names.size()][];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = new byte[names.get(i).size()];
      for (int j = 0; j < raw[i].length; j++) {
        raw[i][j] = names.get(i).get(j);
      }
    }
    String base = "http://m.example/tree/";
    String url = new MirrorUrl(base, null, 0).resolve(raw);
    assertThat(url).startsWith(base);
    String rest = url.substring(base.length());
    assertThat(rest).matches("[A-Za-z0-9._~%/-]*");
    String[] segments = rest.split("/", -1);
    assertThat(segments).hasSize(raw.length);
    List<byte[]> decoded = new ArrayList<>();
    for (String s : segments) {
      decoded.add(decode(s));
    }
    for (int i = 0; i < raw.length; i++) {
      assertThat(decoded.get(i)).isEqualTo(raw[i]);
    }
  }

  static byte[] decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }
}
