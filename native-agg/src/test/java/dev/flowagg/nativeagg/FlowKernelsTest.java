package dev.flowagg.nativeagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import org.junit.jupiter.api.Test;

/** The factory picks the kernel the mode asks for, and both kernels time their calls. */
class FlowKernelsTest {

  @Test
  void modesParseFromTheSettingText() {
    assertThat(NativeMode.parse(null)).isEqualTo(NativeMode.AUTO);
    assertThat(NativeMode.parse(" ON ")).isEqualTo(NativeMode.ON);
    assertThat(NativeMode.parse("off")).isEqualTo(NativeMode.OFF);
    assertThatThrownBy(() -> NativeMode.parse("maybe")).hasMessageContaining("FLOWAGG_NATIVE");
  }

  @Test
  void offGivesTheJavaKernel() {
    try (FlowKernel kernel = FlowKernels.create(NativeMode.OFF, DecoderSettings.defaults(), Corpora.rules())) {
      assertThat(kernel.kind()).isEqualTo(FlowKernel.Kind.JAVA);
    }
  }

  @Test
  void autoGivesTheNativeKernelExactlyWhenItLoads() {
    try (FlowKernel kernel = FlowKernels.create(NativeMode.AUTO, DecoderSettings.defaults(), Corpora.rules())) {
      assertThat(kernel.kind()).isEqualTo(
          NativeLibraryLoader.isAvailable() ? FlowKernel.Kind.NATIVE : FlowKernel.Kind.JAVA);
    }
  }

  @Test
  void onFailsWithTheReasonWhenTheLibraryIsMissing() {
    assumeTrue(!NativeLibraryLoader.isAvailable(), "the native kernel is in this build; nothing to fail");
    assertThatThrownBy(() -> FlowKernels.create(NativeMode.ON, DecoderSettings.defaults(), Corpora.rules()))
        .hasMessageContaining("FLOWAGG_NATIVE=on");
  }

  @Test
  void onGivesTheNativeKernelWhenItLoads() {
    assumeTrue(NativeLibraryLoader.isAvailable(), () -> "native kernel not in this build: "
        + ((NativeLibraryLoader.Unavailable) NativeLibraryLoader.outcome()).reason());
    try (FlowKernel kernel = FlowKernels.create(NativeMode.ON, DecoderSettings.defaults(), Corpora.rules())) {
      assertThat(kernel.kind()).isEqualTo(FlowKernel.Kind.NATIVE);
    }
  }

  @Test
  void everyProcessCallIsTimed() {
    for (NativeMode mode : new NativeMode[] {NativeMode.OFF, NativeMode.AUTO}) {
      try (FlowKernel kernel = FlowKernels.create(mode, DecoderSettings.defaults(), Corpora.rules())) {
        KernelRun.run(kernel, Corpora.random(ExportFormat.NETFLOW_V9, 100, 1), 8, 0);

        KernelTimings timings = kernel.timings();
        assertThat(timings.calls()).isGreaterThan(0);
        assertThat(timings.buckets()).containsAnyOf(1L, 2L, 3L);
        assertThat(java.util.Arrays.stream(timings.buckets()).sum()).isEqualTo(timings.calls());
        assertThat(timings.toString()).contains(kernel.kind().label(), "calls");
      }
    }
  }

  @Test
  void aClosedNativeKernelRefusesWorkInsteadOfCrashing() {
    assumeTrue(NativeLibraryLoader.isAvailable(), "native kernel not in this build");
    NativeFlowKernel kernel = new NativeFlowKernel(DecoderSettings.defaults(), Corpora.rules());
    kernel.close();
    kernel.close();
    assertThatThrownBy(kernel::pendingEntries).hasMessageContaining("closed");
  }
}
