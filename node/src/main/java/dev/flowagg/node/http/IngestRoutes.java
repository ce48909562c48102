package dev.flowagg.node.http;

import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.nativeagg.KernelTimings;
import dev.flowagg.nativeagg.NativeLibraryLoader;
import dev.flowagg.node.ingest.IngestCounters;
import dev.flowagg.node.ingest.IngestStatus;
import dev.flowagg.protocol.netflow.ExporterStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /ingest/stats}: the NetFlow listener, the kernel in use, delivery counters and per-exporter decoding. */
public final class IngestRoutes extends AllDirectives {

  private final IngestStatus status;

  public IngestRoutes(IngestStatus status) {
    this.status = status;
  }

  public Route routes() {
    return pathPrefix(
        "ingest",
        () ->
            path(
                "stats",
                () ->
                    concat(
                        get(() -> extractRequest(r -> complete(JsonBodies.json(StatusCodes.OK, body())))),
                        RouteFallbacks.methodNotAllowed("GET"))));
  }

  private Map<String, Object> body() {
    IngestCounters c = status.counters();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kernel", status.kernel() == null ? null : status.kernel().label());
    // The instruction-set level of the native kernel's build in use (x86-64, x86-64-v3, x86-64-v4).
    body.put(
        "kernel_build", status.kernel() == FlowKernel.Kind.NATIVE ? NativeLibraryLoader.build() : null);
    body.put(
        "listener",
        ordered(
            "enabled", status.enabled(),
            "port", status.port(),
            "receive", status.receive(),
            "datagrams_received", c.datagramsReceived.get(),
            "datagrams_dropped_busy", c.datagramsDroppedBusy.get(),
            "datagrams_dropped_pending_full", c.droppedPendingFull.total(),
            "datagrams_dropped_over_share", c.droppedOverShare.total(),
            "datagrams_dropped_not_allowed", c.droppedNotAllowed.total(),
            "datagrams_dropped_oversize", c.datagramsDroppedOversize.get(),
            "receive_errors", c.receiveErrors.get()));
    body.put(
        "aggregation",
        ordered(
            "flows", c.flows.get(),
            "pending_entries", c.pendingEntries.get(),
            "max_pending_entries", status.maxPendingEntries(),
            "deliveries", c.deliveries.get(),
            "entries_delivered", c.entriesDelivered.get(),
            "deliveries_in_flight", c.deliveriesInFlight.get(),
            "in_flight_entries", c.inFlightEntries.get(),
            "delivery_retries", c.deliveryRetries.get(),
            "entries_refused_overflow", c.entriesRefusedOverflow.get(),
            "entries_outside_retention", c.entriesOutsideRetention.get()));
    // How far behind the stored totals are: what a GET /flows does not show yet.
    body.put(
        "freshness",
        ordered(
            "lag_ms", c.lagMillis(System.nanoTime()),
            "waiting_entries", c.pendingEntries.get() + c.inFlightEntries.get(),
            "stored_entries_per_second", Math.round(c.storedPerSecond()),
            "last_delivery_ms", c.lastDeliveryMillis.get(),
            "delivery_period_ms", c.deliveryPeriodMillis.get(),
            "log_errors", c.logErrors.get()));
    body.put(
        "templates",
        ordered(
            "shared", c.templatesShared.get(),
            "replayed", c.templatesReplayed.get(),
            "stored", c.templatesStored.get(),
            "store_errors", c.templateStoreErrors.get()));
    KernelTimings timings = status.timings().get();
    if (timings != null) {
      Map<String, Object> latency = new LinkedHashMap<>();
      latency.put("calls", timings.calls());
      latency.put("mean_ns", Math.round(timings.meanNanos()));
      latency.put("p50_ns_at_most", timings.quantileUpperBoundNanos(0.5));
      latency.put("p99_ns_at_most", timings.quantileUpperBoundNanos(0.99));
      body.put("kernel_call_latency", latency);
    }
    List<Map<String, Object>> exporters =
        status.exporters().get().stream().map(IngestRoutes::exporter).toList();
    body.put("exporters", exporters);
    body.put("dropped_by_exporter", droppedByExporter(c));
    body.put(
        "not_allowed",
        ordered(
            "sources",
            c.droppedNotAllowed.bySource().stream()
                .map(d -> ordered("source", d.source().toString(), "datagrams", d.datagrams()))
                .toList(),
            "untracked_sources_datagrams", c.droppedNotAllowed.untracked()));
    return body;
  }

  /** Per exporter, the datagrams dropped for the table's bound or its fair share, with a total for the untracked. */
  private static List<Map<String, Object>> droppedByExporter(IngestCounters c) {
    Map<String, long[]> by = new TreeMap<>();
    c.droppedPendingFull.bySource().forEach(d -> by.computeIfAbsent(d.source().toString(), k -> new long[2])[0] =
        d.datagrams());
    c.droppedOverShare.bySource().forEach(d -> by.computeIfAbsent(d.source().toString(), k -> new long[2])[1] =
        d.datagrams());
    List<Map<String, Object>> out = new java.util.ArrayList<>();
    by.forEach((exporter, n) -> out.add(ordered("exporter", exporter, "pending_full", n[0], "over_share", n[1])));
    long untracked = c.droppedPendingFull.untracked() + c.droppedOverShare.untracked();
    if (untracked > 0) {
      out.add(ordered("exporter", "untracked", "pending_full", c.droppedPendingFull.untracked(), "over_share",
          c.droppedOverShare.untracked()));
    }
    return out;
  }

  private static Map<String, Object> exporter(ExporterStats s) {
    Map<String, Object> m =
        ordered(
            "exporter", s.exporter().toString(),
            "version", s.version(),
            "datagrams", s.datagrams(),
            "bytes", s.datagramBytes(),
            "flows", s.flows(),
            "templates", s.templates(),
            "templates_withdrawn", s.templatesWithdrawn(),
            "templates_expired", s.templatesExpired(),
            "sets_waiting_for_template", s.setsWaiting(),
            "sets_decoded_late", s.setsDecodedLate(),
            "decode_errors", s.totalErrors());
    Map<String, Long> errors = new TreeMap<>();
    s.errors().forEach((e, n) -> errors.put(e.name().toLowerCase(java.util.Locale.ROOT), n));
    m.put("errors_by_reason", errors);
    return m;
  }

  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
