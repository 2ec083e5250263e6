package io.chasm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.collector.internal.db.Dialect;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigTest {
  final CollectorConfig base = CollectorConfig.defaults(Path.of("/var/lib/c"));

  @Test
  void listen_parsesHostPortForms() {
    assertThat(base.withListen("0.0.0.0:9000").host()).isEqualTo("0.0.0.0");
    assertThat(base.withListen("0.0.0.0:9000").port()).isEqualTo(9000);
    assertThat(base.withListen("[::1]:80").host()).isEqualTo("::1");
    assertThat(base.withListen(":81").host()).isEqualTo("127.0.0.1");
    assertThatThrownBy(() -> base.withListen("nohost")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withListen("h:x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withListen("h:70000")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jdbcUrl_defaultsToSqliteInTheDataDir() {
    assertThat(base.effectiveJdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/c/collector.db");
    assertThat(base.withJdbcUrl("jdbc:postgresql://h/db").effectiveJdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
    assertThatThrownBy(() -> base.withPrivacyThreshold(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dialect_fromUrl_andRedactsCredentials() {
    assertThat(Dialect.fromJdbcUrl("jdbc:sqlite:x.db")).isEqualTo(Dialect.SQLITE);
    assertThat(Dialect.fromJdbcUrl("JDBC:POSTGRESQL://h/db")).isEqualTo(Dialect.POSTGRESQL);
    assertThatThrownBy(() -> Dialect.fromJdbcUrl("jdbc:mysql://u:secret@h/db?password=secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain("secret");
    assertThat(Dialect.POSTGRESQL.render("id {{id}}, b {{blob}}")).isEqualTo("id BIGSERIAL PRIMARY KEY, b BYTEA");
  }
}
