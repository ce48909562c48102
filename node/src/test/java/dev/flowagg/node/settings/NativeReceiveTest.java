package dev.flowagg.node.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NativeReceiveTest {

  @Test
  void parsesAutoAndOffAndNamesTheVariableOtherwise() {
    assertThat(NativeReceive.parse(null)).isEqualTo(NativeReceive.AUTO);
    assertThat(NativeReceive.parse(" Auto ")).isEqualTo(NativeReceive.AUTO);
    assertThat(NativeReceive.parse("off")).isEqualTo(NativeReceive.OFF);
    assertThatThrownBy(() -> NativeReceive.parse("on")).hasMessageContaining("FLOWAGG_NATIVE_RECEIVE");
  }
}
