package dev.flowagg.node.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {

  private static FlowaggConfig ingest(Map<String, String> overrides) {
    return FlowaggConfig.of(
        ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.parseResources("flowagg.conf")).resolve(),
        "flowagg.ingest");
  }

  @Test
  void theNativeKernelBuildDefaultsToAutoAndTakesEachLevelByName() {
    assertThat(IngestSettings.from(ingest(Map.of())).nativeCpu()).isEqualTo("auto");
    assertThat(IngestSettings.from(ingest(Map.of("flowagg.ingest.native-cpu", " X86-64-V3 "))).nativeCpu())
        .isEqualTo("x86-64-v3");
    assertThat(IngestSettings.from(ingest(Map.of("flowagg.ingest.native-cpu", "x86-64"))).nativeCpu())
        .isEqualTo("x86-64");
  }

  @Test
  void anUnknownNativeKernelBuildStopsTheStart() {
    assertThatThrownBy(() -> IngestSettings.from(ingest(Map.of("flowagg.ingest.native-cpu", "avx512"))))
        .hasMessageContaining("FLOWAGG_NATIVE_CPU='avx512'")
        .hasMessageContaining("x86-64-v4");
  }

  @Test
  void theStoreShareIsAFractionOrAPercentage() {
    assertThat(IngestSettings.from(ingest(Map.of())).storeShare()).isEqualTo(0.25);
    assertThat(IngestSettings.from(ingest(Map.of("flowagg.ingest.store-share", "50%"))).storeShare()).isEqualTo(0.5);
    assertThat(IngestSettings.from(ingest(Map.of("flowagg.ingest.store-share", "1"))).storeShare()).isEqualTo(1.0);
    for (String bad : new String[] {"0", "150%", "-0.5", "half"}) {
      assertThatThrownBy(() -> IngestSettings.from(ingest(Map.of("flowagg.ingest.store-share", bad))))
          .hasMessageContaining("FLOWAGG_STORE_SHARE")
          .hasMessageContaining("'" + bad + "'");
    }
  }
}
