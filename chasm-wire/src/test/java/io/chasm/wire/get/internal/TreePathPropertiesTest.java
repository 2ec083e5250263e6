package io.chasm.wire.get.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.UnsafePathException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class TreePathPropertiesTest {
  @Provide
  Arbitrary<List<String>> names() {
    Arbitrary<String> name = Arbitraries.strings().withChars("abcxyz-_.~ é")
        .ofMinLength(1).ofMaxLength(20).filter(s -> !s.equals(".") && !s.equals(".."));
    return name.list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> unsafe() {
    return Arbitraries.of("..", ".", "", "a\0b");
  }

  @Property
  void safeNames_joined_parseBackToTheSameNames(@ForAll("names") List<String> names) throws Exception {
    assertThat(TreePath.parse(String.join("/", names))).isEqualTo(names);
  }

  @Property
  void anUnsafeComponentAnywhere_isRefused(@ForAll("names") List<String> names, @ForAll("unsafe") String bad,
      @ForAll @IntRange(min = 0, max = 8) int at) {
    List<String> path = new ArrayList<>(names);
    path.add(Math.min(at, path.size()), bad);
    String p = String.join("/", path);
    assertThatThrownBy(() -> TreePath.parse(p)).isInstanceOf(UnsafePathException.class);
  }

  @Property
  void anAbsolutePath_isRefused(@ForAll("names") List<String> names) {
    assertThatThrownBy(() -> TreePath.parse("/" + String.join("/", names))).isInstanceOf(UnsafePathException.class);
  }

  @Property
  void aNameOver255Bytes_isRefused(@ForAll @IntRange(min = 256, max = 400) int length) {
    assertThatThrownBy(() -> TreePath.parse("pool/" + "a".repeat(length))).isInstanceOf(UnsafePathException.class);
  }
}
