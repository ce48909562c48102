package dev.flowagg.node.metrics;

import dev.flowagg.nativeagg.KernelTimings;
import dev.flowagg.node.ingest.IngestCounters;
import dev.flowagg.node.ingest.IngestStatus;
import dev.flowagg.protocol.netflow.ExporterStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** NetFlow ingest metrics, read at scrape time from the counters the receiver, ingest actor and kernel keep anyway. */
public final class IngestCollector implements MultiCollector {

  private final IngestStatus status;
  private final ExporterLabels exporters = new ExporterLabels();

  public IngestCollector(IngestStatus status) {
    this.status = status;
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> out = new ArrayList<>();
    IngestCounters c = status.counters();
    out.add(family("flowagg_ingest_socket_datagrams", "Datagrams taken off the NetFlow socket")
        .add(c.datagramsReceived.get()).counter());
    out.add(family("flowagg_ingest_dropped_datagrams", "Datagrams dropped by the node, by reason", "reason")
        .add(c.datagramsDroppedBusy.get(), "busy")
        .add(c.droppedPendingFull.total(), "pending_full")
        .add(c.droppedOverShare.total(), "over_share")
        .add(c.datagramsDroppedOversize.get(), "oversize").counter());
    out.add(family("flowagg_ingest_receive_errors", "Errors reading the NetFlow socket")
        .add(c.receiveErrors.get()).counter());
    out.add(family("flowagg_ingest_deliveries", "Deliveries of pre-aggregated deltas to the entities that completed")
        .add(c.deliveries.get()).counter());
    out.add(family("flowagg_ingest_delivery_retries", "Deliveries that failed and were retried with the same write id")
        .add(c.deliveryRetries.get()).counter());
    out.add(family("flowagg_ingest_pending_entries", "(tuple, hour) entries aggregated and not yet delivered")
        .add(c.pendingEntries.get()).gauge());
    out.add(family("flowagg_ingest_deliveries_in_flight", "Deliveries to the flow slices under way now (0 or 1)")
        .add(c.deliveriesInFlight.get()).gauge());
    out.add(family("flowagg_ingest_waiting_entries",
            "(tuple, hour) entries received and not yet stored: in the table and in the delivery under way")
        .add(c.pendingEntries.get() + c.inFlightEntries.get()).gauge());
    out.add(family("flowagg_ingest_lag_seconds",
            "Age of the oldest NetFlow delta not yet stored: how far behind GET /flows is")
        .add(c.lagMillis(System.nanoTime()) / 1000.0).gauge());
    out.add(family("flowagg_ingest_delivery_period_seconds",
            "Time between NetFlow deliveries now asked for: the flush interval, longer after slow deliveries")
        .add(c.deliveryPeriodMillis.get() / 1000.0).gauge());
    out.add(family("flowagg_ingest_entries_outside_retention",
            "Entries left out because their hour is past the retention or too far ahead of the clock")
        .add(c.entriesOutsideRetention.get()).counter());
    out.add(family("flowagg_ingest_log_errors", "Failed writes or reads of the NetFlow delivery log")
        .add(c.logErrors.get()).counter());
    ScrapedFamily byExporter = family("flowagg_ingest_exporter_dropped_datagrams",
        "Datagrams dropped for the table's bound (pending_full) or an exporter's fair share (over_share), by exporter",
        "exporter", "reason");
    c.droppedPendingFull.bySource().forEach(
        d -> byExporter.add(d.datagrams(), exporters.of(d.source().toString()), "pending_full"));
    c.droppedOverShare.bySource().forEach(
        d -> byExporter.add(d.datagrams(), exporters.of(d.source().toString()), "over_share"));
    out.add(byExporter.counter());
    decoderMetrics(out);
    KernelTimings timings = status.timings().get();
    if (timings != null) {
      out.add(KernelLatency.histogram(timings));
    }
    return new MetricSnapshots(out);
  }

  private void decoderMetrics(List<MetricSnapshot> out) {
    String[] ev = {"exporter", "version"};
    ScrapedFamily datagrams = family("flowagg_ingest_datagrams", "Datagrams decoded, by exporter and version", ev);
    ScrapedFamily bytes = family("flowagg_ingest_bytes", "Datagram bytes decoded, by exporter and version", ev);
    ScrapedFamily records = family("flowagg_ingest_records", "Flow records decoded, by exporter and version", ev);
    ScrapedFamily templates =
        family("flowagg_ingest_templates", "Template records accepted (refreshes included), by exporter and version", ev);
    ScrapedFamily errors =
        family("flowagg_ingest_decode_errors", "Decode errors, by exporter, version and reason",
            "exporter", "version", "reason");
    ScrapedFamily waiting =
        family("flowagg_ingest_sets_waiting_for_template",
            "Data sets held until their template arrives, by exporter and version", ev);
    for (ExporterStats s : status.exporters().get()) {
      String exporter = exporters.of(s.exporter().toString());
      String version = Integer.toString(s.version());
      datagrams.add(s.datagrams(), exporter, version);
      bytes.add(s.datagramBytes(), exporter, version);
      records.add(s.flows(), exporter, version);
      templates.add(s.templates(), exporter, version);
      waiting.add(s.setsWaiting(), exporter, version);
      s.errors().forEach((e, n) -> errors.add(n, exporter, version, e.name().toLowerCase(Locale.ROOT)));
    }
    out.add(datagrams.counter());
    out.add(bytes.counter());
    out.add(records.counter());
    out.add(templates.counter());
    out.add(errors.counter());
    out.add(waiting.gauge());
  }

  private static ScrapedFamily family(String name, String help, String... labelNames) {
    return new ScrapedFamily(name, help, labelNames);
  }
}
