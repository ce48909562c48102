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
 * work. Usage: {@code KernelCpuTime KERNEL FORMAT DATAGRAMS_PER_CALL KEYS [ROUNDS]}, KERNEL one of {@code java},
 * {@code native} or {@code both}; prints, per kernel, the median and best of {@code ROUNDS} one-second rounds after
 * three of warm-up, in calls per CPU-second of the benchmark thread.
 *
 * <p>With {@code both}, the two kernels take turns round by round in one JVM over the same batches (which of them
 * goes first alternates), so that both meet the same neighbours: on a virtual machine whose host is busy, a guest
 * thread's CPU time also runs while the host holds its core, and such spells last seconds, long enough to slow one
 * kernel's whole run when the two are measured one after the other. It then also prints the ratio of the medians
 * and of the bests; the best round is the one least disturbed.
 */
public final class KernelCpuTime {

  private KernelCpuTime() {}

  public static void main(String[] args) {
    String kernel = args[0];
    ExportFormat format = ExportFormat.valueOf(args[1]);
    int perCall = Integer.parseInt(args[2]);
    int keys = Integer.parseInt(args[3]);
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    List<NativeMode> modes = switch (kernel) {
      case "java" -> List.of(NativeMode.OFF);
      case "native" -> List.of(NativeMode.ON);
      case "both" -> List.of(NativeMode.OFF, NativeMode.ON);
      default -> throw new IllegalArgumentException("KERNEL is java, native or both, not " + kernel);
    };
    List<DatagramBatch> batches = new ArrayList<>();
    DatagramBatch batch = null;
    for (byte[] d : KernelCorpus.datagrams(format, keys)) {
      if (batch == null || batch.count() == perCall) {
        batch = new DatagramBatch(perCall, perCall * 1500 + DatagramBatch.MAX_DATAGRAM);
        batches.add(batch);
      }
      batch.add(d, 0, d.length, KernelCorpus.EXPORTER, KernelCorpus.START_MILLIS);
    }
    List<Run> runs = new ArrayList<>();
    for (NativeMode mode : modes) {
      runs.add(new Run(FlowKernels.create(mode, DecoderSettings.defaults(), KernelCorpus.rules()), rounds));
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int r = -3; r < rounds; r++) {
      for (int i = 0; i < runs.size(); i++) {
        Run run = runs.get((i + Math.max(r, 0)) % runs.size());
        double rate = run.round(batches, threads);
        if (r >= 0) {
          run.rates[r] = rate;
        }
      }
    }
    for (Run run : runs) {
      run.kernel.close();
      Arrays.sort(run.rates);
      System.out.printf("%s %s %d %d median %.0f best %.0f calls/cpu-s (flows %d)%n",
          run.kernel.kind().label(), format, perCall, keys, run.median(), run.best(), run.flows);
    }
    if (runs.size() == 2) {
      Run java = runs.get(0);
      Run nat = runs.get(1);
      System.out.printf("ratio %s %d %d median %.2f best %.2f%n", format, perCall, keys,
          nat.median() / java.median(), nat.best() / java.best());
    }
    batches.forEach(DatagramBatch::close);
  }

  /** One kernel's rounds; {@code next} walks the batches across rounds. */
  private static final class Run {
    final FlowKernel kernel;
    final double[] rates;
    int next;
    long flows;

    Run(FlowKernel kernel, int rounds) {
      this.kernel = kernel;
      this.rates = new double[rounds];
    }

    /** Calls for one CPU-second; draining (naming rows) is outside the measurement, as in JMH. */
    double round(List<DatagramBatch> batches, ThreadMXBean threads) {
      long calls = 0;
      long cpuStart = threads.getCurrentThreadCpuTime();
      long cpu;
      do {
        for (int i = 0; i < 64; i++) {
          flows += kernel.process(batches.get(next));
          next = next + 1 == batches.size() ? 0 : next + 1;
        }
        calls += 64;
        cpu = threads.getCurrentThreadCpuTime() - cpuStart;
      } while (cpu < 1_000_000_000L);
      // Keys repeat, so the table stays at `keys` entries.
      kernel.drain((src, dst, vpc, hour, tx, rx) -> {});
      return calls * 1e9 / cpu;
    }

    double median() {
      return rates[rates.length / 2];
    }

    double best() {
      return rates[rates.length - 1];
    }
  }
}
