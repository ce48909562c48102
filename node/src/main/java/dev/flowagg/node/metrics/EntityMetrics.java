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
  private final Histogram storeDuration;
  private final Counter rowsStored;

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
    storeDuration =
        Histogram.builder()
            .name("flowagg_table_write_duration_seconds")
            .help("Time a flow slice takes to add one event's rows to the read model's tables (one transaction)")
            .labelNames("entity")
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    rowsStored =
        Counter.builder()
            .name("flowagg_table_rows_written")
            .help("(tuple, hour) totals updated in the read model's tables: the write path's tuple updates")
            .labelNames("entity")
            .register(registry);
  }

  /** The metrics of one entity type, resolved once so entities record without looking labels up. */
  public Of of(String entityType) {
    return new Of(
        persistDuration.labelValues(entityType), persistFailures.labelValues(entityType),
        storeDuration.labelValues(entityType), rowsStored.labelValues(entityType));
  }

  /** Tuple updates stored so far, over every entity type (the rate is the write path's speed). */
  public long rowsWritten() {
    return (long) rowsStored.collect().getDataPoints().stream().mapToDouble(d -> d.getValue()).sum();
  }

  /** One entity type's persist latency and failures, and the rows it wrote to the tables. */
  public record Of(
      DistributionDataPoint duration, CounterDataPoint failures, DistributionDataPoint storeDuration,
      CounterDataPoint rows) {

    /** Records a persist that began at {@code startedNanos} ({@link System#nanoTime()}) and has just completed. */
    public void persisted(long startedNanos) {
      duration.observe((System.nanoTime() - startedNanos) / 1e9);
    }

    public void failed() {
      failures.inc();
    }

    /** Records {@code rows} written to the tables in a transaction that began at {@code startedNanos}. */
    public void stored(int rows, long startedNanos) {
      storeDuration.observe((System.nanoTime() - startedNanos) / 1e9);
      this.rows.inc(rows);
    }
  }

  /** Metrics for entities outside a node (unit tests): recorded into a registry nobody scrapes. */
  public static Of unscraped(String entityType) {
    return new EntityMetrics(new PrometheusRegistry()).of(entityType);
  }
}
