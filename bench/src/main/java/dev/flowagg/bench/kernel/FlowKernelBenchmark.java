package dev.flowagg.bench.kernel;

import dev.flowagg.nativeagg.AggregateSink;
import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.nativeagg.FlowKernels;
import dev.flowagg.nativeagg.NativeMode;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Decode + classify + aggregate throughput of the native kernel against its Java twin, on the same pre-encoded
 * batches: one operation is one {@code process} call of {@code datagramsPerCall} datagrams.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class FlowKernelBenchmark {

  @Param({"java", "native"})
  public String kernel;

  @Param({"NETFLOW_V5", "NETFLOW_V9", "IPFIX"})
  public ExportFormat format;

  @Param({"1", "64"})
  public int datagramsPerCall;

  @Param({"1000", "100000"})
  public int distinctKeys;

  private FlowKernel flowKernel;
  private final List<DatagramBatch> batches = new ArrayList<>();
  private int next;
  private long drained;
  private final AggregateSink sink = (src, dst, vpc, hour, tx, rx) -> drained += tx;

  @Setup(Level.Trial)
  public void encodeCorpus() {
    NativeMode mode = kernel.equals("native") ? NativeMode.ON : NativeMode.OFF;
    flowKernel = FlowKernels.create(mode, DecoderSettings.defaults(), KernelCorpus.rules());
    List<byte[]> datagrams = KernelCorpus.datagrams(format, distinctKeys);
    DatagramBatch batch = null;
    for (byte[] d : datagrams) {
      if (batch == null || batch.count() == datagramsPerCall) {
        batch = new DatagramBatch(datagramsPerCall, datagramsPerCall * 1500 + DatagramBatch.MAX_DATAGRAM);
        batches.add(batch);
      }
      batch.add(d, 0, d.length, KernelCorpus.EXPORTER, KernelCorpus.START_MILLIS);
    }
  }

  @Benchmark
  public long process() {
    long flows = flowKernel.process(batches.get(next));
    if (++next == batches.size()) {
      next = 0;
    }
    return flows;
  }

  /** Keys repeat, so the table stays at {@code distinctKeys}; draining (naming rows) is outside the measurement. */
  @TearDown(Level.Iteration)
  public void drain() {
    flowKernel.drain(sink);
  }

  @TearDown(Level.Trial)
  public void close() {
    flowKernel.close();
    batches.forEach(DatagramBatch::close);
  }
}
