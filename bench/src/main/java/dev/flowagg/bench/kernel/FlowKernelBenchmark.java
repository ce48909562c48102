package dev.flowagg.bench.kernel;

import dev.flowagg.nativeagg.AggregateSink;
import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.nativeagg.FlowKernel;
import dev.flowagg.nativeagg.FlowKernels;
import dev.flowagg.nativeagg.NativeMode;
import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.encode.ExportFormat;
import dev.flowagg.protocol.netflow.encode.ExportSession;
import dev.flowagg.protocol.netflow.encode.ExportSettings;
import dev.flowagg.protocol.netflow.encode.FlowSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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

  private static final long START_MILLIS = 1_735_689_600_000L;
  private static final IpAddress EXPORTER = IpAddress.parse("198.51.100.1");

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
    ClassificationRules rules = ClassificationRules.builder().app("10.1.0.0/16", "billing")
        .app("10.2.0.0/16", "web").exporterVpc("198.51.100.0/24", "vpc-east").build();
    flowKernel = FlowKernels.create(mode, DecoderSettings.defaults(), rules);
    // Distinct (client, server) pairs outside the rules, so that each makes its own key.
    SplittableRandom random = new SplittableRandom(7);
    List<FlowSpec> flows = new ArrayList<>();
    int total = Math.max(distinctKeys, 20_000);
    for (int i = 0; i < total; i++) {
      int k = i % distinctKeys;
      String client = "172.16." + (k >>> 8 & 0xFF) + "." + (k & 0xFF);
      String server = "192.0.2." + (k >>> 16 & 0xFF);
      FlowSpec flow = FlowSpec.of(client, server, 40_000 + random.nextInt(20_000), 443, 6,
          100 + random.nextInt(100_000), 1 + random.nextInt(100), START_MILLIS - random.nextInt(600_000));
      flows.add(format == ExportFormat.IPFIX && i % 4 == 0 ? flow.withReverse(random.nextInt(50_000), 3) : flow);
    }
    ExportSession session = new ExportSession(ExportSettings.of(format, START_MILLIS - 3_600_000));
    List<byte[]> datagrams = session.encode(flows, START_MILLIS);
    DatagramBatch batch = null;
    for (byte[] d : datagrams) {
      if (batch == null || batch.count() == datagramsPerCall) {
        batch = new DatagramBatch(datagramsPerCall, datagramsPerCall * 1500 + DatagramBatch.MAX_DATAGRAM);
        batches.add(batch);
      }
      batch.add(d, 0, d.length, EXPORTER, START_MILLIS);
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
