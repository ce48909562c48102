package dev.flowagg.node.metrics;

import dev.flowagg.nativeagg.KernelTimings;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;

/** The kernel's own log2 call-latency buckets as a Prometheus histogram; nothing is added to the kernel's hot loop. */
final class KernelLatency {

  // Bounds 2^10 ns (about 1 µs) to 2^34 ns (about 17 s); the kernel's finer and coarser buckets fold into the ends.
  private static final int FIRST_BOUND = 10;
  private static final int LAST_BOUND = 34;

  private KernelLatency() {}

  static HistogramSnapshot histogram(KernelTimings t) {
    int n = LAST_BOUND - FIRST_BOUND + 2;
    double[] bounds = new double[n];
    long[] counts = new long[n];
    long[] kernel = t.buckets();
    for (int k = FIRST_BOUND; k <= LAST_BOUND; k++) {
      bounds[k - FIRST_BOUND] = (1L << k) / 1e9;
    }
    bounds[n - 1] = Double.POSITIVE_INFINITY;
    // Kernel bucket i holds calls of [2^i, 2^(i+1)) ns, so all of them are at most the bound 2^(i+1).
    for (int i = 0; i < kernel.length; i++) {
      int bound = i + 1;
      int slot = bound <= FIRST_BOUND ? 0 : bound > LAST_BOUND ? n - 1 : bound - FIRST_BOUND;
      counts[slot] += kernel[i];
    }
    return HistogramSnapshot.builder()
        .name("flowagg_kernel_call_duration_seconds")
        .help("Time one decode-and-aggregate kernel call took on a batch of datagrams, by implementation")
        .dataPoint(
            HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(t.totalNanos() / 1e9)
                .labels(Labels.of("implementation", t.kind().label()))
                .build())
        .build();
  }
}
