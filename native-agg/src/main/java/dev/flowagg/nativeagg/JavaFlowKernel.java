package dev.flowagg.nativeagg;

import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.classify.Orientation;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecodedFlow;
import dev.flowagg.protocol.netflow.DecoderSettings;
import dev.flowagg.protocol.netflow.ExporterStats;
import dev.flowagg.protocol.netflow.FlowSink;
import dev.flowagg.protocol.netflow.NetflowDecoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The pure-Java {@link FlowKernel}: {@link NetflowDecoder}, then classification, then a per-(tuple, hour) table. */
public final class JavaFlowKernel implements FlowKernel {

  private static final long MILLIS_PER_HOUR = 3_600_000L;

  /** A table key: the classified tuple in one hour. */
  private record TupleHour(String srcApp, String destApp, String vpcId, long hour) {}

  private final NetflowDecoder decoder;
  private final ClassificationRules rules;
  private final Orientation orientation;
  private final Map<TupleHour, long[]> table = new HashMap<>();
  private final FlowSink sink = this::add;

  public JavaFlowKernel(DecoderSettings settings, ClassificationRules rules) {
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
      flows += decoder.decode(batch.exporter(i), batch.payload(i), batch.receivedAtMillis(i), sink);
    }
    return flows;
  }

  private void add(DecodedFlow flow) {
    IpAddress src = flow.srcAddress();
    IpAddress dst = flow.dstAddress();
    boolean srcIsServer = orientation.firstIsServer(src, flow.srcPort(), dst, flow.dstPort());
    IpAddress client = srcIsServer ? dst : src;
    IpAddress server = srcIsServer ? src : dst;
    // Client-to-server bytes are tx; a biflow's reverse counters run the other way.
    long tx = srcIsServer ? flow.reverseBytes() : flow.bytes();
    long rx = srcIsServer ? flow.bytes() : flow.reverseBytes();
    TupleHour key =
        new TupleHour(
            rules.appOf(client),
            rules.appOf(server),
            rules.vpcOfExporter(flow.exporter()),
            Math.floorDiv(flow.endMillis(), MILLIS_PER_HOUR));
    long[] sums = table.computeIfAbsent(key, k -> new long[2]);
    sums[0] = saturatingAdd(sums[0], tx);
    sums[1] = saturatingAdd(sums[1], rx);
  }

  private static long saturatingAdd(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
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
  public void expire(long nowMillis) {
    decoder.expire(nowMillis);
  }

  @Override
  public void close() {}
}
