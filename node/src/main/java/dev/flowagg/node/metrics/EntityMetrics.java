package dev.flowagg.node.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** How long entities take to store their events, and how often storing (or recovering) fails. */
public final class EntityMetrics {

  private final Histogram persistDuration;
  private final Counter persistFailures;

  public EntityMetrics(PrometheusRegistry registry) {
    persistDuration =
        Histogram.builder()
            .name("flowagg_entity_persist_duration_seconds")
            .help("Time from an entity asking to persist events to the journal confirming them, by entity type")
            .labelNames("entity")
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    persistFailures =
        Counter.builder()
            .name("flowagg_entity_persist_failures_total")
            .help("Entities stopped because the journal failed or rejected a write or a recovery, by entity type")
            .labelNames("entity")
            .register(registry);
  }

  /** The metrics of one entity type, resolved once so entities record without looking labels up. */
  public Of of(String entityType) {
    return new Of(persistDuration.labelValues(entityType), persistFailures.labelValues(entityType));
  }

  /** One entity type's persist latency and failures. */
  public record Of(DistributionDataPoint duration, CounterDataPoint failures) {

    /** Records a persist that began at {@code startedNanos} ({@link System#nanoTime()}) and has just completed. */
    public void persisted(long startedNanos) {
      duration.observe((System.nanoTime() - startedNanos) / 1e9);
    }

    public void failed() {
      failures.inc();
    }
  }

  /** Metrics for entities outside a node (unit tests): recorded into a registry nobody scrapes. */
  public static Of unscraped(String entityType) {
    return new EntityMetrics(new PrometheusRegistry()).of(entityType);
  }
}
