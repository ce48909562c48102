package dev.flowagg.nativeagg;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Records how long each {@code process} call of one kernel took, into lock-free log2 buckets, and logs each call at
 * DEBUG; written by the kernel's thread, read from any thread.
 */
final class CallTimer {

  private static final System.Logger LOG = System.getLogger("dev.flowagg.nativeagg.kernel");
  private static final int BUCKETS = 64;
  private static final int CALLS = BUCKETS;
  private static final int TOTAL = BUCKETS + 1;

  private final FlowKernel.Kind kind;
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 2);

  CallTimer(FlowKernel.Kind kind) {
    this.kind = kind;
  }

  void record(long nanos, int datagrams, long flows) {
    int bucket = nanos <= 0 ? 0 : 63 - Long.numberOfLeadingZeros(nanos);
    // One writer: a plain read-then-write is enough and cheaper than an atomic add.
    counts.setRelease(bucket, counts.getPlain(bucket) + 1);
    counts.setRelease(CALLS, counts.getPlain(CALLS) + 1);
    counts.setRelease(TOTAL, counts.getPlain(TOTAL) + nanos);
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
      LOG.log(System.Logger.Level.DEBUG, "{0} kernel process: {1} datagrams, {2} flows, {3} ns", kind.label(),
          datagrams, flows, nanos);
    }
  }

  KernelTimings snapshot() {
    long[] buckets = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      buckets[i] = counts.getAcquire(i);
    }
    return new KernelTimings(kind, counts.getAcquire(CALLS), counts.getAcquire(TOTAL), buckets);
  }
}
