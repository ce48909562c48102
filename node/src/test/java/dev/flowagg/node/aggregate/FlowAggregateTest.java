package dev.flowagg.node.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.metrics.EntityMetrics;
import dev.flowagg.node.settings.NodeSettings.AggregateSettings;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowAggregateTest {

  private static final FlowKey KEY = new FlowKey("foo", "bar", "vpc-0");

  private final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  "pekko.actor.serialization-bindings { \"dev.flowagg.node.CborSerializable\" = jackson-cbor }")
              .withFallback(EventSourcedBehaviorTestKit.config()));

  private EventSourcedBehaviorTestKit<FlowAggregate.Command, FlowAggregate.Event, FlowAggregate.State> entity;

  @BeforeEach
  void freshEntity() {
    AggregateSettings settings = new AggregateSettings(3, 5, Duration.ofSeconds(30));
    PersistenceId id = PersistenceId.ofUniqueId("flow-" + System.nanoTime());
    entity =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            Behaviors.setup(ctx -> new FlowAggregate(id, settings, EntityMetrics.unscraped("FlowAggregate"))),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private FlowAggregate.WriteReply commit(String writeId, HourDelta... deltas) {
    return entity
        .<FlowAggregate.WriteReply>runCommand(replyTo -> new FlowAggregate.Commit(KEY, writeId, List.of(deltas), replyTo))
        .reply();
  }

  private FlowAggregate.WriteReply reserve(String writeId, HourDelta... deltas) {
    return entity
        .<FlowAggregate.WriteReply>runCommand(
            replyTo -> new FlowAggregate.Reserve(KEY, writeId, List.of(deltas), replyTo))
        .reply();
  }

  private HourTotals hour(long hour) {
    return entity.<HourTotals>runCommand(replyTo -> new FlowAggregate.GetHour(hour, replyTo)).reply();
  }

  @Test
  void commitsAddUpPerHour() {
    assertThat(commit("w1", new HourDelta(91, 100, 500))).isEqualTo(new FlowAggregate.Done());
    assertThat(commit("w2", new HourDelta(91, 200, 1000))).isEqualTo(new FlowAggregate.Done());
    assertThat(hour(91)).isEqualTo(new HourTotals(KEY, 91, true, 300, 1500));
  }

  @Test
  void hoursAreKeptApart() {
    commit("w1", new HourDelta(91, 100, 500), new HourDelta(92, 1, 2));
    assertThat(hour(91)).isEqualTo(new HourTotals(KEY, 91, true, 100, 500));
    assertThat(hour(92)).isEqualTo(new HourTotals(KEY, 92, true, 1, 2));
    assertThat(hour(93).present()).isFalse();
  }

  @Test
  void theFirstCommitRecordsWhichTupleTheEntityHolds() {
    var result =
        entity.<FlowAggregate.WriteReply>runCommand(
            replyTo -> new FlowAggregate.Commit(KEY, "w1", List.of(new HourDelta(1, 1, 1)), replyTo));
    assertThat(result.events())
        .containsExactly(
            new FlowAggregate.Created(KEY), new FlowAggregate.DeltasAdded("w1", List.of(new HourDelta(1, 1, 1))));
  }

  @Test
  void aRetriedCommitIsAppliedOnce() {
    commit("w1", new HourDelta(91, 100, 500));
    var retry =
        entity.<FlowAggregate.WriteReply>runCommand(
            replyTo -> new FlowAggregate.Commit(KEY, "w1", List.of(new HourDelta(91, 100, 500)), replyTo));
    assertThat(retry.reply()).isEqualTo(new FlowAggregate.Done());
    assertThat(retry.hasNoEvents()).isTrue();
    assertThat(hour(91).bytesTx()).isEqualTo(100);
  }

  @Test
  void aCommitThatWouldOverflowIsRefusedAndTheCounterKeepsItsValue() {
    commit("w1", new HourDelta(91, Long.MAX_VALUE - 5, 7));
    assertThat(commit("w2", new HourDelta(91, 6, 0))).isEqualTo(new FlowAggregate.Overflow(91, "bytes_tx"));
    assertThat(commit("w3", new HourDelta(91, 0, Long.MAX_VALUE))).isEqualTo(new FlowAggregate.Overflow(91, "bytes_rx"));
    assertThat(hour(91)).isEqualTo(new HourTotals(KEY, 91, true, Long.MAX_VALUE - 5, 7));
    assertThat(commit("w4", new HourDelta(91, 5, 0))).isEqualTo(new FlowAggregate.Done());
    assertThat(hour(91).bytesTx()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aReservationHoldsRoomAgainstOtherWrites() {
    commit("w1", new HourDelta(91, Long.MAX_VALUE - 10, 0));
    assertThat(reserve("w2", new HourDelta(91, 8, 0))).isEqualTo(new FlowAggregate.Done());
    assertThat(reserve("w3", new HourDelta(91, 8, 0))).isEqualTo(new FlowAggregate.Overflow(91, "bytes_tx"));
    assertThat(commit("w2", new HourDelta(91, 8, 0))).isEqualTo(new FlowAggregate.Done());
    assertThat(hour(91).bytesTx()).isEqualTo(Long.MAX_VALUE - 2);
  }

  @Test
  void aReleasedReservationFreesItsRoom() {
    commit("w1", new HourDelta(91, Long.MAX_VALUE - 10, 0));
    reserve("w2", new HourDelta(91, 8, 0));
    entity.runCommand(new FlowAggregate.Release("w2"));
    assertThat(reserve("w3", new HourDelta(91, 8, 0))).isEqualTo(new FlowAggregate.Done());
  }

  @Test
  void reservingPersistsNothing() {
    var result =
        entity.<FlowAggregate.WriteReply>runCommand(
            replyTo -> new FlowAggregate.Reserve(KEY, "w1", List.of(new HourDelta(1, 1, 1)), replyTo));
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(hour(1).present()).isFalse();
  }

  @Test
  void recoversFromEvents() {
    commit("w1", new HourDelta(91, 100, 500));
    commit("w2", new HourDelta(92, 1, 2));
    entity.restart();
    assertThat(hour(91)).isEqualTo(new HourTotals(KEY, 91, true, 100, 500));
    assertThat(hour(92)).isEqualTo(new HourTotals(KEY, 92, true, 1, 2));
  }

  @Test
  void recoversFromASnapshotWithRememberedWrites() {
    for (int i = 1; i <= 7; i++) { // snapshot every 3 events: snapshots after events 3 and 6
      commit("w" + i, new HourDelta(91, i, 1));
    }
    entity.restart();
    assertThat(hour(91)).isEqualTo(new HourTotals(KEY, 91, true, 28, 7));
    assertThat(commit("w7", new HourDelta(91, 7, 1))).isEqualTo(new FlowAggregate.Done());
    assertThat(hour(91).bytesTx()).isEqualTo(28);
  }
}
