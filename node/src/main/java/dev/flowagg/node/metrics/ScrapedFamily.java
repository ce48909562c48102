package dev.flowagg.node.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The data points of one metric gathered at scrape time; points with the same label values are summed. */
final class ScrapedFamily {

  private final String name;
  private final String help;
  private final String[] labelNames;
  private final Map<List<String>, Double> values = new LinkedHashMap<>();

  /** {@code name} without the {@code _total} a counter gets when written. */
  ScrapedFamily(String name, String help, String... labelNames) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  ScrapedFamily add(double value, String... labelValues) {
    values.merge(List.of(labelValues), value, Double::sum);
    return this;
  }

  CounterSnapshot counter() {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    values.forEach(
        (labels, v) ->
            b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(v).labels(labelsOf(labels)).build()));
    return b.build();
  }

  GaugeSnapshot gauge() {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    values.forEach(
        (labels, v) ->
            b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v).labels(labelsOf(labels)).build()));
    return b.build();
  }

  private Labels labelsOf(List<String> labelValues) {
    return Labels.of(labelNames, labelValues.toArray(String[]::new));
  }
}
