package dev.flowagg.protocol.netflow.encode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.protocol.net.IpAddress;
import org.junit.jupiter.api.Test;

class ExpectedTotalsTest {

  private static final IpAddress EXPORTER = IpAddress.parse("127.0.0.2");
  /** 2026-01-01T00:30Z: hour 491688. */
  private static final long END = 491_688L * 3_600_000L + 1_800_000L;

  @Test
  void bothDirectionsOfAConversationLandInOneRowUnderTheClientFirst() {
    ExpectedTotals totals = new ExpectedTotals();
    totals.add(FlowSpec.of("10.0.0.1", "172.16.0.1", 40000, 443, 6, 100, 1, END), EXPORTER, 1);
    totals.add(FlowSpec.of("172.16.0.1", "10.0.0.1", 443, 40000, 6, 5000, 4, END), EXPORTER, 1);

    assertThat(totals.rows()).containsExactly(
        new ExpectedTotals.Row("10.0.0.1", "172.16.0.1", "127.0.0.2", 100, 5000, 491_688));
  }

  @Test
  void aBiflowExportedServerFirstCountsItsReverseBytesAsTx() {
    ExpectedTotals totals = new ExpectedTotals();
    totals.add(FlowSpec.of("fd00:5::1", "fd00:c::1", 5432, 40000, 6, 7000, 6, END).withReverse(300, 2), EXPORTER, 1);

    assertThat(totals.rows()).containsExactly(
        new ExpectedTotals.Row("fd00:c::1", "fd00:5::1", "127.0.0.2", 300, 7000, 491_688));
  }

  @Test
  void samplingMultipliesAndRowsAreSortedByHourThenTuple() {
    ExpectedTotals totals = new ExpectedTotals();
    totals.add(FlowSpec.of("10.0.0.2", "172.16.0.1", 40000, 53, 17, 70, 1, END + 3_600_000L), EXPORTER, 4);
    totals.add(FlowSpec.of("10.0.0.3", "172.16.0.1", 40000, 53, 17, 80, 1, END), EXPORTER, 4);
    totals.add(FlowSpec.of("10.0.0.2", "172.16.0.1", 40001, 53, 17, 90, 1, END), EXPORTER, 4);

    assertThat(totals.rows()).containsExactly(
        new ExpectedTotals.Row("10.0.0.2", "172.16.0.1", "127.0.0.2", 360, 0, 491_688),
        new ExpectedTotals.Row("10.0.0.3", "172.16.0.1", "127.0.0.2", 320, 0, 491_688),
        new ExpectedTotals.Row("10.0.0.2", "172.16.0.1", "127.0.0.2", 280, 0, 491_689));
    assertThat(totals.totalBytes()).isEqualTo(960);
  }
}
