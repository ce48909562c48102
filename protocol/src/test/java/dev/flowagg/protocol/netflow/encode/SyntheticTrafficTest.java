package dev.flowagg.protocol.netflow.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticTrafficTest {

  /** 2026-01-01T00:00Z, in hours since the epoch. */
  private static final long FIRST_HOUR = 491_688;
  private static final TrafficShape SHAPE = TrafficShape.of(42, 10_000, FIRST_HOUR).withHours(4);

  private static List<FlowSpec> all(TrafficShape shape) {
    return new SyntheticTraffic(shape).next(Integer.MAX_VALUE);
  }

  @Test
  void theSameSeedGivesTheSameFlowsAndAnotherSeedOthers() {
    assertThat(all(SHAPE)).isEqualTo(all(SHAPE));
    assertThat(all(SHAPE)).isNotEqualTo(all(new TrafficShape(43, 10_000, 1000, 100, FIRST_HOUR, 4, 0.1, false, 0)));
  }

  @Test
  void pairsModeGoesRoundExactlyThatManyDistinctClientServerPairs() {
    TrafficShape shape = TrafficShape.of(7, 600_000, FIRST_HOUR).withPairs(210_000);
    Set<String> pairs = new java.util.HashSet<>();
    for (FlowSpec f : all(shape)) {
      boolean request = f.dstPort() < 32768;
      pairs.add(request ? f.src() + ">" + f.dst() : f.dst() + ">" + f.src());
    }
    assertThat(pairs).hasSize(210_000);
  }

  @Test
  void producesExactlyTheRecordsAskedForWithEndTimesRisingOverTheHours() {
    List<FlowSpec> flows = all(SHAPE);

    assertThat(flows).hasSize(10_000);
    assertThat(flows).extracting(FlowSpec::endMillis)
        .allSatisfy(end -> assertThat(end).isBetween(SHAPE.startMillis(), SHAPE.startMillis() + SHAPE.spanMillis() - 1))
        .isSorted();
    assertThat(flows).extracting(f -> f.endMillis() / 3_600_000L).containsOnly(
        FIRST_HOUR, FIRST_HOUR + 1, FIRST_HOUR + 2, FIRST_HOUR + 3);
  }

  @Test
  void clientsUseEphemeralPortsAndServersServicePorts() {
    Set<Integer> services = Set.of(443, 80, 5432, 53, 3306, 6379, 8080, 9092, 123);
    assertThat(all(SHAPE)).allSatisfy(f -> {
      boolean fromClient = services.contains(f.dstPort());
      int clientPort = fromClient ? f.srcPort() : f.dstPort();
      int servicePort = fromClient ? f.dstPort() : f.srcPort();
      assertThat(clientPort).isBetween(32_768, 60_999);
      assertThat(services).contains(servicePort);
      assertThat(f.protocol()).isEqualTo(servicePort == 53 || servicePort == 123 ? 17 : 6);
    });
  }

  @Test
  void aboutOneTenthIsIpv6ByDefaultAndNoneWhenAskedFor() {
    long v6 = all(SHAPE).stream().filter(FlowSpec::isIpv6).count();
    assertThat(v6).isBetween(700L, 1300L);
    assertThat(all(SHAPE.withIpv6Share(0))).noneMatch(FlowSpec::isIpv6);
    assertThat(all(SHAPE.withIpv6Share(1))).allMatch(FlowSpec::isIpv6);
  }

  @Test
  void byteCountsAreHeavyTailed() {
    long[] bytes = all(SHAPE).stream().mapToLong(FlowSpec::bytes).sorted().toArray();
    long median = bytes[bytes.length / 2];
    assertThat(bytes[0]).isPositive();
    assertThat(bytes[bytes.length - 1]).isGreaterThan(1000 * median);
  }

  @Test
  void biflowShapeGivesOneRecordPerConversationWithEitherSideFirst() {
    List<FlowSpec> flows = all(SHAPE.withBiflow(true));
    assertThat(flows.stream().filter(FlowSpec::isBiflow).count()).isGreaterThan(9_000);
    assertThat(flows).anyMatch(f -> f.srcPort() >= 32_768).anyMatch(f -> f.dstPort() >= 32_768);
  }
}
