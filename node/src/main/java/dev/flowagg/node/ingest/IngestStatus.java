package dev.flowagg.node.ingest;

import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.nativeagg.KernelTimings;
import dev.flowagg.protocol.netflow.ExporterStats;
import java.util.List;
import java.util.function.Supplier;

/**
 * What {@code GET /ingest/stats} shows: the listener and how it reads its socket ({@code receive}, a
 * {@link UdpReceiver.Path} label), the kernel in use, and the counters.
 */
public record IngestStatus(
    boolean enabled, int port, String receive, FlowKernel.Kind kernel, IngestCounters counters,
    Supplier<List<ExporterStats>> exporters, Supplier<KernelTimings> timings, long maxPendingEntries) {

  public static IngestStatus disabled() {
    return new IngestStatus(false, 0, null, null, new IngestCounters(), List::of, () -> null, 0);
  }
}
