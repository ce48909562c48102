package dev.flowagg.node.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryPacingTest {

  private static final long S = 1_000_000_000L;
  private static final int BOUND = 1_000;

  private static DeliveryPacing pacing(double share) {
    return new DeliveryPacing(Duration.ofSeconds(1), Duration.ofSeconds(30), share, BOUND, 0);
  }

  @Test
  void quickDeliveriesAreCutAtTheFlushInterval() {
    DeliveryPacing p = pacing(0.25);
    assertThat(p.due(S - 1, 10)).isFalse();
    assertThat(p.due(S, 10)).isTrue();
    p.cut(S);
    p.stored(S / 100, false);
    assertThat(p.period()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.due(2 * S - 1, 10)).isFalse();
    assertThat(p.due(2 * S, 10)).isTrue();
  }

  @Test
  void aSlowDeliveryKeepsStoringToItsShareOfTheTime() {
    DeliveryPacing p = pacing(0.25);
    p.cut(10 * S);
    p.stored(2 * S, false);
    assertThat(p.period()).isEqualTo(Duration.ofSeconds(8));
    assertThat(p.due(17 * S, 10)).isFalse();
    assertThat(p.due(18 * S, 10)).isTrue();
  }

  @Test
  void aShareOfOneCutsAsSoonAsTheLastIsStored() {
    DeliveryPacing p = pacing(1.0);
    p.cut(0);
    p.stored(3 * S, false);
    assertThat(p.due(3 * S, 10)).isTrue();
  }

  @Test
  void theLongestIntervalCapsTheWait() {
    DeliveryPacing p = pacing(0.25);
    p.cut(0);
    p.stored(60 * S, false);
    assertThat(p.period()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aTablePastHalfItsBoundIsCutAtTheFlushInterval() {
    DeliveryPacing p = pacing(0.25);
    p.cut(0);
    p.stored(5 * S, false);
    assertThat(p.due(2 * S, BOUND / 2 - 1)).isFalse();
    assertThat(p.due(2 * S, BOUND / 2)).isTrue();
  }

  @Test
  void aDeliveryThatWasRetriedDoesNotStretchThePeriod() {
    DeliveryPacing p = pacing(0.25);
    p.cut(0);
    p.stored(20 * S, true);
    assertThat(p.period()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theShareMustBeAFractionAboveZero() {
    assertThatThrownBy(() -> pacing(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pacing(1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}
