package io.chasm.api.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void exponential_doublesUpToTheCap() {
    Backoff b = Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(30));
    assertThat(b.delay(1)).hasMillis(500);
    assertThat(b.delay(2)).hasMillis(1000);
    assertThat(b.delay(3)).hasMillis(2000);
    assertThat(b.delay(7)).hasMillis(30_000);
    assertThat(b.delay(1000)).hasMillis(30_000);
    assertThat(b.mayRetryAfter(1_000_000)).isTrue();
  }

  @Test
  void fixed_isTheSameEveryTime() {
    Backoff b = Backoff.fixed(Duration.ofSeconds(1));
    assertThat(b.delay(1)).isEqualTo(b.delay(50)).hasMillis(1000);
  }

  @Test
  void fullJitter_staysWithinTheCappedDelay() {
    Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).withFullJitter();
    for (int attempt = 1; attempt < 10; attempt++) {
      long cap = Math.min(1000, 100L << (attempt - 1));
      for (int i = 0; i < 50; i++) {
        assertThat(b.delay(attempt).toMillis()).isBetween(0L, cap);
      }
    }
  }

  @Test
  void withJitter_isInjectable() {
    Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).withJitter(cap -> cap / 2);
    assertThat(b.delay(3)).hasMillis(200);
    assertThatThrownBy(() -> b.withJitter(cap -> cap + 1).delay(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void maxAttempts_limitsRetries() {
    Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(60)).withMaxAttempts(3);
    assertThat(b.maxAttempts()).isEqualTo(3);
    assertThat(b.mayRetryAfter(2)).isTrue();
    assertThat(b.mayRetryAfter(3)).isFalse();
    assertThatThrownBy(() -> b.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.delay(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
