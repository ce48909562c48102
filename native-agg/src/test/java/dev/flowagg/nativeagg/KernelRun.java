package dev.flowagg.nativeagg;

import dev.flowagg.protocol.netflow.ExporterStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Feeds a stream of datagrams through a kernel in batches, expiring now and then, and collects what it drains (by
 * name, so two kernels compare directly) and its counters.
 */
final class KernelRun {

  /** What a kernel gave for a stream. */
  record Outcome(Map<String, List<Long>> totals, List<ExporterStats> stats, long flows) {}

  private KernelRun() {}

  static Outcome run(FlowKernel kernel, List<Exported> stream, int datagramsPerBatch, int expireEvery) {
    Map<String, long[]> totals = new HashMap<>();
    AggregateSink sink = (src, dst, vpc, hour, tx, rx) -> {
      long[] sums = totals.computeIfAbsent(src + " > " + dst + " @ " + vpc + " h" + hour, k -> new long[2]);
      sums[0] = AggregateTable.saturatingAdd(sums[0], tx);
      sums[1] = AggregateTable.saturatingAdd(sums[1], rx);
    };
    long flows = 0;
    try (DatagramBatch batch = new DatagramBatch(datagramsPerBatch, Math.max(1 << 20, DatagramBatch.MAX_DATAGRAM))) {
      for (int i = 0; i < stream.size(); i++) {
        Exported e = stream.get(i);
        if (batch.count() == datagramsPerBatch || !batch.add(e.payload(), 0, e.payload().length, e.exporter(),
            e.receivedAtMillis())) {
          flows += kernel.process(batch);
          batch.clear();
          batch.add(e.payload(), 0, e.payload().length, e.exporter(), e.receivedAtMillis());
        }
        if (expireEvery > 0 && i % expireEvery == expireEvery - 1) {
          flows += kernel.process(batch);
          batch.clear();
          kernel.expire(e.receivedAtMillis());
          kernel.drain(sink);
        }
      }
      flows += kernel.process(batch);
    }
    kernel.drain(sink);
    Map<String, List<Long>> byName = new HashMap<>();
    totals.forEach((k, v) -> byName.put(k, List.of(v[0], v[1])));
    return new Outcome(byName, kernel.stats(), flows);
  }
}
