package dev.flowagg.node.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowKeyTest {

  @Test
  void aTuplesSliceNeverChangesBecauseStoredDataDependsOnIt() {
    assertThat(new FlowKey("foo", "bar", "vpc-0").slice()).isEqualTo(5);
    assertThat(new FlowKey("10.0.0.1", "172.16.0.1", "192.0.2.7").slice()).isEqualTo(41);
    assertThat(new FlowKey("a", "", "").slice()).isEqualTo(16);
    assertThat(new FlowKey("app 🚀", "db", "vpc-1").slice()).isEqualTo(14);
  }

  @Test
  void tuplesSpreadEvenlyOverTheSlices() {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 64_000; i++) {
      counts.merge(new FlowKey("10.0." + (i >> 8) + "." + (i & 255), "172.16.0." + (i % 7), "vpc").slice(), 1,
          Integer::sum);
    }
    assertThat(counts).hasSize(FlowSlice.SLICES);
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
  }

  @Test
  void addressTuplesGetDistinctHashes() {
    // As a NetFlow stream names them: clients talking to servers, through one exporter.
    Set<Integer> hashes = new HashSet<>();
    int n = 0;
    for (int client = 1; client <= 1000; client++) {
      for (int server = 1; server <= 100; server++, n++) {
        FlowKey k = new FlowKey("10.0." + (client >> 8) + "." + (client & 255), "172.16.0." + server, "127.0.0.1");
        hashes.add(k.hashCode());
        assertThat(k).hasSameHashCodeAs(new FlowKey(k.srcApp(), k.destApp(), k.vpcId()));
      }
    }
    assertThat(hashes.size()).isGreaterThan(n - n / 1000);
  }

  @Test
  void namesCompareByCodePointNotByUtf16Unit() {
    // U+FF61 sorts before U+1F680 by code point, after its surrogates by UTF-16 unit.
    assertThat(FlowKey.compareCodePoints("\uFF61", "🚀")).isNegative();
    assertThat("\uFF61".compareTo("🚀")).isPositive();
  }
}
