package dev.flowagg.nativeagg;

import java.util.Arrays;

/**
 * A snapshot of one kernel's per-call latency: calls, total time, and a histogram with log2 buckets of nanoseconds
 * (bucket {@code i} counts calls that took {@code [2^i, 2^(i+1))} ns; bucket 0 also takes 0 ns).
 */
public record KernelTimings(FlowKernel.Kind kind, long calls, long totalNanos, long[] buckets) {

  public KernelTimings {
    buckets = buckets.clone();
  }

  @Override
  public long[] buckets() {
    return buckets.clone();
  }

  public double meanNanos() {
    return calls == 0 ? 0 : (double) totalNanos / calls;
  }

  /** The upper bound in ns of the bucket holding the given quantile (0..1) of calls; 0 without calls. */
  public long quantileUpperBoundNanos(double quantile) {
    long target = (long) Math.ceil(quantile * calls);
    long seen = 0;
    for (int i = 0; i < buckets.length; i++) {
      seen += buckets[i];
      if (seen >= target && seen > 0) {
        return i >= 62 ? Long.MAX_VALUE : (1L << (i + 1)) - 1;
      }
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KernelTimings t && t.kind == kind && t.calls == calls && t.totalNanos == totalNanos
        && Arrays.equals(t.buckets, buckets);
  }

  @Override
  public int hashCode() {
    return (kind.hashCode() * 31 + Long.hashCode(calls)) * 31 + Arrays.hashCode(buckets);
  }

  @Override
  public String toString() {
    return "%s kernel: %d calls, mean %.0f ns, p50 < %d ns, p99 < %d ns".formatted(kind.label(), calls, meanNanos(),
        quantileUpperBoundNanos(0.5), quantileUpperBoundNanos(0.99));
  }
}
