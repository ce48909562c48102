package dev.flowagg.nativeagg;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.Orientation;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecodedFlow;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.ExporterStats;
import dev.flowagg.protocol.netflow.NetflowDecoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The first, straightforward Java kernel (names as keys, a HashMap), kept to pin the twin's observable behaviour. */
final class ReferenceKernel implements FlowKernel {

  private record TupleHour(String srcApp, String destApp, String vpcId, long hour) {}

  private final NetflowDecoder decoder;
  private final ClassificationRules rules;
  private final Orientation orientation;
  private final Map<TupleHour, long[]> table = new HashMap<>();

  ReferenceKernel(DecoderSettings settings, ClassificationRules rules) {
    this.decoder = new NetflowDecoder(settings);
    this.rules = rules;
    this.orientation = rules.orientation();
  }

  @Override
  public Kind kind() {
    return Kind.JAVA;
  }

  @Override
  public long process(DatagramBatch batch) {
    long flows = 0;
    for (int i = 0; i < batch.count(); i++) {
      flows += decoder.decode(batch.exporter(i), batch.payload(i), batch.receivedAtMillis(i), this::add);
    }
    return flows;
  }

  private void add(DecodedFlow flow) {
    IpAddress src = flow.srcAddress();
    IpAddress dst = flow.dstAddress();
    boolean srcIsServer = orientation.firstIsServer(src, flow.srcPort(), dst, flow.dstPort());
    long tx = srcIsServer ? flow.reverseBytes() : flow.bytes();
    long rx = srcIsServer ? flow.bytes() : flow.reverseBytes();
    TupleHour key = new TupleHour(rules.appOf(srcIsServer ? dst : src), rules.appOf(srcIsServer ? src : dst),
        rules.vpcOfExporter(flow.exporter()), Math.floorDiv(flow.endMillis(), 3_600_000L));
    long[] sums = table.computeIfAbsent(key, k -> new long[2]);
    sums[0] = AggregateTable.saturatingAdd(sums[0], tx);
    sums[1] = AggregateTable.saturatingAdd(sums[1], rx);
  }

  @Override
  public void drain(AggregateSink out) {
    table.forEach((k, v) -> out.accept(k.srcApp(), k.destApp(), k.vpcId(), k.hour(), v[0], v[1]));
    table.clear();
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
    return new KernelTimings(Kind.JAVA, 0, 0, new long[64]);
  }

  @Override
  public void expire(long nowMillis) {
    decoder.expire(nowMillis);
  }

  @Override
  public void close() {}
}
