package dev.flowagg.nativeagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class NativeLibraryLoaderTest {

  @Test
  void theCpuLevelSettingNamesABuildOrAuto() {
    assertThat(NativeLibraryLoader.requestedBuild(null)).isNull();
    assertThat(NativeLibraryLoader.requestedBuild(" auto ")).isNull();
    assertThat(NativeLibraryLoader.requestedBuild("x86-64")).isEqualTo(NativeLibraryLoader.Build.PLAIN);
    assertThat(NativeLibraryLoader.requestedBuild("X86-64-V3")).isEqualTo(NativeLibraryLoader.Build.V3);
    assertThat(NativeLibraryLoader.requestedBuild("x86-64-v4")).isEqualTo(NativeLibraryLoader.Build.V4);
    assertThatThrownBy(() -> NativeLibraryLoader.requestedBuild("avx2"))
        .hasMessageContaining("FLOWAGG_NATIVE_CPU='avx2'");
  }

  @Test
  void theLoadedBuildIsTheOneAskedForElseTheHighestThisCpuRuns() {
    assumeTrue(NativeLibraryLoader.isAvailable(), () -> "native kernel not in this build: "
        + ((NativeLibraryLoader.Unavailable) NativeLibraryLoader.outcome()).reason());
    NativeLibraryLoader.Build asked = NativeLibraryLoader.requestedBuild(
        System.getProperty(NativeLibraryLoader.CPU_PROPERTY, System.getenv(NativeLibraryLoader.CPU_VARIABLE)));
    int cpuLevel = NativeCalls.cpuLevel();
    NativeLibraryLoader.Build expected = NativeLibraryLoader.Build.PLAIN;
    for (NativeLibraryLoader.Build b : NativeLibraryLoader.Build.values()) {
      if (b.level <= cpuLevel && NativeLibraryLoader.class.getResource(NativeLibraryLoader.resourceName(b)) != null) {
        expected = b;
      }
    }
    if (asked != null) {
      expected = asked;
    }
    assertThat(NativeLibraryLoader.build()).isEqualTo(expected.label);
    assertThat(((NativeLibraryLoader.Loaded) NativeLibraryLoader.outcome()).resource())
        .isEqualTo(NativeLibraryLoader.resourceName(expected));
  }

  @Test
  void anX86JarCarriesEveryLevelsBuild() {
    assumeTrue(NativeLibraryLoader.platform().equals("linux-x86_64") && NativeLibraryLoader.isAvailable(),
        "levels are built for linux-x86_64 only");
    for (NativeLibraryLoader.Build b : NativeLibraryLoader.Build.values()) {
      assertThat(NativeLibraryLoader.class.getResource(NativeLibraryLoader.resourceName(b))).as(b.label).isNotNull();
    }
  }
}
