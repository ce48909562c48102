package dev.flowagg.node.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.metrics.EntityMetrics;
import dev.flowagg.node.metrics.PersistFailureCounter;
import dev.flowagg.node.settings.NodeSettings.AggregateSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A flow entity whose journal write fails is counted as a persist failure; one that succeeds is timed. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowAggregatePersistMetricsTest {

  private final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  "pekko.actor.serialization-bindings { \"dev.flowagg.node.CborSerializable\" = jackson-cbor }")
              .withFallback(PersistenceTestKitPlugin.getInstance().config())
              .withFallback(ConfigFactory.load()));
  private final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private static double failures(PrometheusRegistry registry) {
    return registry.scrape(name -> name.startsWith("flowagg_entity_persist_failures")).stream()
        .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  private static long persisted(PrometheusRegistry registry) {
    return registry.scrape(name -> name.startsWith("flowagg_entity_persist_duration")).stream()
        .flatMap(s -> ((HistogramSnapshot) s).getDataPoints().stream())
        .mapToLong(HistogramSnapshot.HistogramDataPointSnapshot::getCount)
        .sum();
  }

  private ActorRef<FlowAggregate.Command> entity(EntityMetrics.Of metrics, String id) {
    return testKit.spawn(
        PersistFailureCounter.counting(
            metrics,
            Behaviors.setup(
                ctx ->
                    new FlowAggregate(
                        PersistenceId.ofUniqueId(id), new AggregateSettings(100, 10, Duration.ofSeconds(30)), metrics))));
  }

  @Test
  void aFailedJournalWriteIsCountedAndAStoredOneIsTimed() {
    PrometheusRegistry registry = new PrometheusRegistry();
    EntityMetrics.Of metrics = new EntityMetrics(registry).of("FlowAggregate");
    TestProbe<FlowAggregate.WriteReply> replies = testKit.createTestProbe();
    FlowKey key = new FlowKey("a", "b", "v");

    ActorRef<FlowAggregate.Command> good = entity(metrics, "good-" + System.nanoTime());
    good.tell(new FlowAggregate.Commit(key, "w1", List.of(new HourDelta(1, 2, 3)), replies.ref()));
    replies.expectMessageClass(FlowAggregate.Done.class);
    assertThat(persisted(registry)).isEqualTo(1);
    assertThat(failures(registry)).isZero();

    ActorRef<FlowAggregate.Command> bad = entity(metrics, "bad-" + System.nanoTime());
    journal.failNextPersisted();
    bad.tell(new FlowAggregate.Commit(key, "w2", List.of(new HourDelta(1, 2, 3)), replies.ref()));
    await().atMost(Duration.ofSeconds(10)).until(() -> failures(registry) == 1);
    replies.expectNoMessage(Duration.ofMillis(200));
    assertThat(persisted(registry)).isEqualTo(1);
  }
}
