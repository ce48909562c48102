package dev.flowagg.nativeagg;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecodedFlow;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.ExporterStats;
import dev.flowagg.protocol.netflow.FlowSink;
import dev.flowagg.protocol.netflow.NetflowDecoder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The pure-Java {@link FlowKernel}: {@link NetflowDecoder}, then classification into rule indexes or addresses, then
 * a primitive open-addressing table with the Rust kernel's layout and hash; names are made only when draining.
 */
public final class JavaFlowKernel implements FlowKernel {

  private static final long MILLIS_PER_HOUR = 3_600_000L;

  private final NetflowDecoder decoder;
  private final ClassificationTables tables;
  private final RowNames names;
  private final AggregateTable table = new AggregateTable(1024);
  private final CallTimer timer = new CallTimer(Kind.JAVA);
  private final FlowSink sink = this::add;
  private byte[] payload = new byte[DatagramBatch.MAX_DATAGRAM];
  /** The exporter {@link #vpcHigh} and friends were classified for: runs of datagrams, across batches, share one. */
  private IpAddress lastExporter;
  private long vpcHigh;
  private long vpcLow;
  private long vpcFlag;

  public JavaFlowKernel(DecoderSettings settings, ClassificationRules rules) {
    this(settings, new ClassificationTables(rules));
  }

  JavaFlowKernel(DecoderSettings settings, ClassificationTables tables) {
    this.decoder = new NetflowDecoder(settings);
    this.tables = tables;
    this.names = new RowNames(tables);
  }

  @Override
  public Kind kind() {
    return Kind.JAVA;
  }

  @Override
  public long process(DatagramBatch batch) {
    long started = System.nanoTime();
    long flows = 0;
    MemorySegment data = batch.data();
    for (int i = 0; i < batch.count(); i++) {
      int length = batch.length(i);
      if (payload.length < length) {
        payload = new byte[length];
      }
      MemorySegment.copy(data, ValueLayout.JAVA_BYTE, batch.offset(i), payload, 0, length);
      IpAddress exporter = batch.exporter(i);
      if (!exporter.equals(lastExporter)) {
        classifyExporter(exporter);
        lastExporter = exporter;
      }
      flows += decoder.decode(exporter, payload, 0, length, batch.receivedAtMillis(i), sink);
    }
    timer.record(System.nanoTime() - started, batch.count(), flows);
    return flows;
  }

  private void classifyExporter(IpAddress exporter) {
    int vpc = tables.vpcIndex(exporter.high(), exporter.low());
    vpcHigh = vpc >= 0 ? 0 : exporter.high();
    vpcLow = vpc >= 0 ? vpc : exporter.low();
    vpcFlag = vpc >= 0 ? AggregateTable.VPC_IS_INDEX : 0;
  }

  private void add(DecodedFlow flow) {
    long srcHigh = flow.srcAddressHigh();
    long srcLow = flow.srcAddressLow();
    long dstHigh = flow.dstAddressHigh();
    long dstLow = flow.dstAddressLow();
    boolean srcIsServer = firstIsServer(srcHigh, srcLow, flow.srcPort(), dstHigh, dstLow, flow.dstPort());
    long clientHigh = srcIsServer ? dstHigh : srcHigh;
    long clientLow = srcIsServer ? dstLow : srcLow;
    long serverHigh = srcIsServer ? srcHigh : dstHigh;
    long serverLow = srcIsServer ? srcLow : dstLow;
    // Client-to-server bytes are tx; a biflow's reverse counters run the other way.
    long tx = srcIsServer ? flow.reverseBytes() : flow.bytes();
    long rx = srcIsServer ? flow.bytes() : flow.reverseBytes();
    int client = tables.appIndex(clientHigh, clientLow);
    int server = tables.appIndex(serverHigh, serverLow);
    long flags = AggregateTable.USED | vpcFlag
        | (client >= 0 ? AggregateTable.SRC_IS_INDEX : 0) | (server >= 0 ? AggregateTable.DST_IS_INDEX : 0);
    table.add(vpcHigh, vpcLow,
        client >= 0 ? 0 : clientHigh, client >= 0 ? client : clientLow,
        server >= 0 ? 0 : serverHigh, server >= 0 ? server : serverLow,
        Math.floorDiv(flow.endMillis(), MILLIS_PER_HOUR), flags, tx, rx);
  }

  /** {@code Orientation.firstIsServer} on primitive addresses, so that classifying allocates nothing. */
  private boolean firstIsServer(long highA, long lowA, int portA, long highB, long lowB, int portB) {
    boolean serviceA = tables.isServicePort(portA);
    boolean serviceB = tables.isServicePort(portB);
    if (serviceA != serviceB) {
      return serviceA;
    }
    if (portA != portB) {
      return portA < portB;
    }
    int c = Long.compareUnsigned(highA, highB);
    return (c != 0 ? c : Long.compareUnsigned(lowA, lowB)) <= 0;
  }

  @Override
  public void drain(AggregateSink out) {
    if (names.mustMerge()) {
      RowNames.Totals totals = new RowNames.Totals();
      table.drain((s, b) -> names.emit(s, b, totals));
      totals.flushTo(out);
    } else {
      table.drain((s, b) -> names.emit(s, b, out));
    }
  }

  @Override
  public DrainedRows drainRows() {
    DrainedRows out = new DrainedRows(names, table.size(), null);
    table.drain(out::add);
    return out;
  }

  @Override
  public int pendingEntries() {
    return table.size();
  }

  @Override
  public List<ExporterStats> stats() {
    return decoder.stats().snapshot();
  }

  @Override
  public KernelTimings timings() {
    return timer.snapshot();
  }

  @Override
  public void expire(long nowMillis) {
    decoder.expire(nowMillis);
  }

  @Override
  public void close() {}
}
