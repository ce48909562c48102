package dev.flowagg.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessLogTest {

  @Test
  void successfulProbesAndScrapesAreRoutine() {
    assertThat(AccessLog.isRoutine("/health/alive", 200)).isTrue();
    assertThat(AccessLog.isRoutine("/health/ready", 200)).isTrue();
    assertThat(AccessLog.isRoutine("/metrics", 200)).isTrue();
  }

  @Test
  void failedProbesAndEverythingElseAreNot() {
    assertThat(AccessLog.isRoutine("/health/ready", 503)).isFalse();
    assertThat(AccessLog.isRoutine("/metrics", 401)).isFalse();
    assertThat(AccessLog.isRoutine("/flows", 200)).isFalse();
    assertThat(AccessLog.isRoutine("/healthz", 200)).isFalse();
    assertThat(AccessLog.isRoutine("/metrics/x", 200)).isFalse();
  }
}
