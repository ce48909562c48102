package dev.flowagg.bench.kernel;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.nativeagg.FlowKernels;
import dev.flowagg.nativeagg.NativeMode;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link FlowKernelBenchmark}'s measurement on thread CPU time instead of wall time, for a machine shared with other
 * work: a descheduled thread stops its own clock, so the result is calls per CPU-second of the benchmark thread.
 * Usage: {@code KernelCpuTime KERNEL FORMAT DATAGRAMS_PER_CALL KEYS [ROUNDS]}; prints the median and best of
 * {@code ROUNDS} one-second rounds after three of warm-up. Run one JVM per configuration.
 */
public final class KernelCpuTime {

  private KernelCpuTime() {}

  public static void main(String[] args) {
    String kernel = args[0];
    ExportFormat format = ExportFormat.valueOf(args[1]);
    int perCall = Integer.parseInt(args[2]);
    int keys = Integer.parseInt(args[3]);
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    NativeMode mode = kernel.equals("native") ? NativeMode.ON : NativeMode.OFF;
    List<DatagramBatch> batches = new ArrayList<>();
    DatagramBatch batch = null;
    for (byte[] d : KernelCorpus.datagrams(format, keys)) {
      if (batch == null || batch.count() == perCall) {
        batch = new DatagramBatch(perCall, perCall * 1500 + DatagramBatch.MAX_DATAGRAM);
        batches.add(batch);
      }
      batch.add(d, 0, d.length, KernelCorpus.EXPORTER, KernelCorpus.START_MILLIS);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] rates = new double[rounds];
    long sink = 0;
    try (FlowKernel k = FlowKernels.create(mode, DecoderSettings.defaults(), KernelCorpus.rules())) {
      int next = 0;
      for (int r = -3; r < rounds; r++) {
        long calls = 0;
        long cpuStart = threads.getCurrentThreadCpuTime();
        long cpu;
        do {
          for (int i = 0; i < 64; i++) {
            sink += k.process(batches.get(next));
            next = next + 1 == batches.size() ? 0 : next + 1;
          }
          calls += 64;
          cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        } while (cpu < 1_000_000_000L);
        if (r >= 0) {
          rates[r] = calls * 1e9 / cpu;
        }
        // Keys repeat, so the table stays at `keys` entries; draining is outside the measurement, as in JMH.
        k.drain((src, dst, vpc, hour, tx, rx) -> {});
      }
    }
    batches.forEach(DatagramBatch::close);
    Arrays.sort(rates);
    System.out.printf("%s %s %d %d median %.0f best %.0f calls/cpu-s (flows %d)%n", kernel, format, perCall, keys,
        rates[rounds / 2], rates[rounds - 1], sink);
  }
}
